#!/usr/bin/env bash
# ApplicationStop: gracefully stop this app's pm2 processes. This is the *previous* revision's copy,
# so it must succeed on a first deploy, after a broken revision, and when run twice.
set -euo pipefail
# shellcheck source=lib/common.sh
if ! . "$(dirname "$0")/lib/common.sh" 2>/dev/null; then
  echo "ApplicationStop: no settings in this revision; nothing to stop"
  exit 0
fi
if ! command -v pm2 >/dev/null 2>&1; then
  log "pm2 is not installed; nothing to stop"
  exit 0
fi
if ! pm2_daemon_alive; then
  log "no pm2 daemon for $APP_NAME; nothing to stop"
  exit 0
fi
# delete = stop (SIGINT, then SIGKILL after kill_timeout) and forget, so ApplicationStart reads the new ecosystem.
if [[ "$(pm2_summary)" =~ total=0\  ]]; then
  log "$APP_NAME is not running"
elif pm2_delete_app; then
  log "stopped $APP_NAME (the ApplicationStop of revision $APP_VERSION)"
else
  # Not fatal here (a failing ApplicationStop blocks every later deployment); ApplicationStart clears leftovers.
  log "warning: pm2 still lists $APP_NAME after deleting it; ApplicationStart will remove it"
fi
