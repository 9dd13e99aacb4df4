#!/usr/bin/env bash
# ApplicationStart (app user): start or reload the app under pm2 and wait until it is ready and answers HTTP;
# whether the answer is healthy is ValidateService's call.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

eco="$RELEASE_DIR/deploy/ecosystem.config.cjs"
[[ -f "$eco" ]] || die "$eco is missing from the release"
# ApplicationStop has run by now, so anything pm2 still lists under this name is a leftover (an old revision
# whose ApplicationStop failed, or a crashed worker pm2 restarted): reloading it would keep its worker count
# and restart counters, so start clean. The instance is out of the load balancer meanwhile.
if pm2_daemon_alive && ! [[ "$(pm2_summary)" =~ total=0\  ]]; then
  log "removing leftover $APP_NAME processes ($(pm2_summary))"
  pm2_delete_app || die "pm2 keeps listing $APP_NAME after deleting it; run 'pm2 delete $APP_NAME' on the instance"
fi
pm2 startOrReload "$eco" --only "$APP_NAME" >/dev/null || die "pm2 could not start $APP_NAME"

url="http://127.0.0.1:$APP_PORT$HEALTH_PATH"
deadline=$((SECONDS + READY_BUDGET))
last="none"
while ((SECONDS < deadline)); do
  summary=$(pm2_summary) || summary="pm2 did not answer"
  # A crash loop ends in errored or keeps restarting: fail now, not at the timeout.
  if [[ "$summary" =~ errored=[1-9] || "$summary" =~ restarts=([3-9]|[1-9][0-9]) ]]; then
    # Not its output: the app's stderr may hold patient data, and this log goes to CodeDeploy and CloudWatch.
    die "$APP_NAME is crash-looping ($summary); its own errors are in $LOG_DIR/error.log on the instance"
  fi
  last=$(http_probe "$url")
  # Ready: every pm2 instance online (after its ready signal, with wait_ready) and the port answering HTTP.
  if [[ "$summary" =~ online=([1-9][0-9]*)\ total=([0-9]+) && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && "${last%% *}" != 000 ]]; then
    log "$APP_NAME $APP_VERSION is ready ($summary)"
    exit 0
  fi
  sleep 0.5
done
die "$APP_NAME was not ready within ${READY_BUDGET}s (pm2: $(pm2_summary); last response: $last)"
