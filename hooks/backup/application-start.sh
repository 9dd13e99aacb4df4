#!/usr/bin/env bash
# ApplicationStart (root): systemd rereads the units and the nightly timer is enabled and running.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

systemctl daemon-reload
systemctl enable --now "$UNIT.timer"
# Renews mongod's certificate before it expires (a host without MongoDB skips it: ConditionPathExists).
systemctl enable --now "$TLS_UNIT.timer"
log "$(systemctl list-timers "$UNIT.timer" --no-pager --no-legend | head -n 1)"
