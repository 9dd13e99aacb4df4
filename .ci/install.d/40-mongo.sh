#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol on SQLite) and mongodump/mongorestore from the Go module proxy into .cache/bin; skips what is already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="$PWD/.cache/bin"
mkdir -p "$BIN"
FERRET_VERSION=v1.24.2
# mongo-tools has no semver tags on the proxy, so it is pinned by pseudo-version; the sum database does
# not know it, so its content hash is checked here instead.
TOOLS_VERSION=v0.0.0-20250715155915-887641268977
TOOLS_SUM='h1:J9wFLko0N7sbovyHahuRw1NyfMUsNhaauLK87wQ3ruc='
export GOFLAGS=-mod=mod CGO_ENABLED=0

module_dir() { # module@version -> extracted directory in the module cache
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

stamp_ok() { [[ -x "$BIN/$1" && -f "$BIN/$1.version" && "$(cat "$BIN/$1.version")" == "$2" ]]; }

if stamp_ok ferretdb "$FERRET_VERSION"; then
  echo "ferretdb $FERRET_VERSION already built"
else
  src=$(module_dir "github.com/FerretDB/FerretDB@$FERRET_VERSION")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  # `go install` panics at start without this file; the release build writes it.
  echo "$FERRET_VERSION" > "$work/build/version/version.txt"
  (cd "$work" && go build -trimpath -o "$BIN/ferretdb" ./cmd/ferretdb)
  echo "$FERRET_VERSION" > "$BIN/ferretdb.version"
  rm -rf "$work"
  trap - EXIT
fi

if stamp_ok mongodump "$TOOLS_VERSION" && stamp_ok mongorestore "$TOOLS_VERSION"; then
  echo "mongodump/mongorestore $TOOLS_VERSION already built"
else
  json=$(GONOSUMDB=github.com/mongodb/mongo-tools go mod download -json "github.com/mongodb/mongo-tools@$TOOLS_VERSION")
  sum=$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' <<<"$json")
  if [[ "$sum" != "$TOOLS_SUM" ]]; then
    echo "mongo-tools $TOOLS_VERSION: content hash $sum, expected $TOOLS_SUM" >&2
    exit 1
  fi
  src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
  # Module zips leave out vendor/, so build a writable copy against the proxy instead.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  rm -rf "$work/vendor"
  for tool in mongodump mongorestore; do
    (cd "$work" && go build -trimpath \
      -ldflags "-X main.VersionStr=100.12.2-pseudo -X main.GitCommit=887641268977" \
      -o "$BIN/$tool" "./$tool/main")
    echo "$TOOLS_VERSION" > "$BIN/$tool.version"
  done
  rm -rf "$work"
  trap - EXIT
fi
