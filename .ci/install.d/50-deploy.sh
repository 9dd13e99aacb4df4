#!/usr/bin/env bash
# Debian packages for the on-instance hooks and deploy-local: iproute2 (ip netns, ss), logrotate, curl, nftables
# (the hooks keep the metadata service root's).
set -euo pipefail
need=()
for pkg in iproute2 logrotate curl nftables; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
