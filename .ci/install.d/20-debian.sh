#!/usr/bin/env bash
# Debian packages: nginx (vhost tests), shellcheck (hooks), wrk (benchmarks), systemd (systemd-analyze for timers),
# chromium and a Helvetica-metric font (the environment diagram as a browser draws it).
set -euo pipefail
need=()
for pkg in nginx-light shellcheck wrk systemd chromium fonts-liberation; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts nginx on install; tests run their own on loopback with a private prefix.
service nginx stop >/dev/null 2>&1 || true
