#!/usr/bin/env bash
# ApplicationStart (root): systemd rereads the units and the nightly timer is enabled and running.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if [[ -n "$ROOT" ]]; then
  local_systemctl enable "$UNIT.timer"
  log "local run: $UNIT.timer enabled under $ROOT (no service manager here to start it)"
  exit 0
fi
systemctl daemon-reload
systemctl enable --now "$UNIT.timer"
log "$(systemctl list-timers "$UNIT.timer" --no-pager --no-legend | head -n 1)"
