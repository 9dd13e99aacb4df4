#!/usr/bin/env bash
# AfterBlockTraffic: the load balancer sends nothing new; wait (bounded) for in-flight requests to finish.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

in_flight() { ss -Htn state established "( sport = :$PROXY_PORT )" 2>/dev/null | wc -l; }
deadline=$((SECONDS + DRAIN_SECONDS))
while ((SECONDS < deadline)); do
  n=$(in_flight)
  ((n == 0)) && { log "drained: no connections left on :$PROXY_PORT"; exit 0; }
  sleep 0.2
done
log "warning: $(in_flight) connections still open on :$PROXY_PORT after ${DRAIN_SECONDS}s; continuing"
