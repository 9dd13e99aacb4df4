#!/usr/bin/env bash
# The AWS CodeDeploy agent, whose own codedeploy-local runs every revision in deploy-local and the tests.
# Its gems come from Debian; its source is extracted into .cache/codedeploy-agent/VERSION from the pinned copy in
# ../shared/third_party (sha256 checked) when that folder exists, otherwise cloned from the same upstream tag.
# Nothing of the agent is copied into this repository. Idempotent: a complete extraction is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=1.8.1
COMMIT=800eb2882ae1b0b0bf67ff56df5ae31eb013c782
SHA256=25c4cdf7d6f04534859050da4055e0e38a8eace596b8adfde88a0a045dc6a887
TARBALL=../shared/third_party/aws-codedeploy-agent-$VERSION.tar.gz
DEST=.cache/codedeploy-agent/$VERSION

# Ruby and the agent's gems (aws-sdk-core and -s3, logging, json, minitar, rubyzip, concurrent-ruby); systemd boots
# each local instance, with D-Bus for systemd-run; util-linux gives unshare and nsenter.
need=()
for pkg in ruby ruby-aws-sdk-core ruby-aws-sdk-s3 ruby-logging ruby-json ruby-minitar ruby-zip ruby-concurrent systemd dbus util-linux; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [[ -f "$DEST/.complete" ]]; then
  echo "codedeploy-agent $VERSION already in $DEST"
  exit 0
fi
rm -rf "$DEST" "$DEST.tmp"
mkdir -p "$DEST.tmp"
if [[ -f "$TARBALL" ]]; then
  got=$(sha256sum "$TARBALL" | cut -d' ' -f1)
  if [[ "$got" != "$SHA256" ]]; then
    echo "$TARBALL: sha256 $got, expected $SHA256; refusing to use it" >&2
    exit 1
  fi
  tar -xzf "$TARBALL" -C "$DEST.tmp" --strip-components=1
  echo "codedeploy-agent $VERSION extracted from $TARBALL"
else
  git clone --quiet --depth 1 --branch "v$VERSION" https://github.com/aws/aws-codedeploy-agent.git "$DEST.tmp"
  got=$(git -C "$DEST.tmp" rev-parse HEAD)
  if [[ "$got" != "$COMMIT" ]]; then
    echo "aws-codedeploy-agent tag v$VERSION is at $got, expected $COMMIT; refusing to use it" >&2
    rm -rf "$DEST.tmp"
    exit 1
  fi
  rm -rf "$DEST.tmp/.git"
  echo "codedeploy-agent $VERSION cloned from upstream at $COMMIT"
fi
touch "$DEST.tmp/.complete"
mv "$DEST.tmp" "$DEST"
