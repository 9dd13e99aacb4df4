#!/usr/bin/env bash
# ValidateService (app user): the health check must pass on the app port, through nginx for the app's host,
# and through nginx as the ALB asks (Host: the target's address), HEALTH_THRESHOLD times in a row within
# HEALTH_BUDGET seconds; a dead process fails at once.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# url|host pairs; an empty host sends curl's default, the address, as the ALB health check does.
targets=("http://127.0.0.1:$APP_PORT$HEALTH_PATH|" "http://127.0.0.1:$PROXY_PORT$HEALTH_PATH|$HEALTH_HOST" "http://127.0.0.1:$PROXY_PORT$HEALTH_PATH|")
deadline=$((SECONDS + HEALTH_BUDGET))
streak=0
last="none"
while ((SECONDS < deadline)); do
  summary=$(pm2_summary) || summary="pm2 did not answer"
  [[ "$summary" =~ online=0 ]] && die "$APP_NAME is not running under pm2 ($summary)"
  ok=1
  for target in "${targets[@]}"; do
    url=${target%%|*}
    host=${target#*|}
    last="$url${host:+ (Host: $host)} -> $(http_probe "$url" "$host")"
    status_ok "${last#* -> }" || { ok=0; break; }
  done
  if ((ok)); then
    streak=$((streak + 1))
    ((streak >= HEALTH_THRESHOLD)) && { log "healthy: $last"; exit 0; }
  else
    streak=0
    log "not healthy yet: $last"
  fi
  sleep 1
done
die "health check failed for ${HEALTH_BUDGET}s; last response: $last"
