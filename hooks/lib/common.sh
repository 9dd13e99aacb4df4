# shellcheck shell=bash
# Sourced by every app hook: base.sh, then the app's settings, pm2 and HTTP helpers.
# shellcheck source=base.sh
. "$(dirname "${BASH_SOURCE[0]}")/base.sh"
require_settings APP_NAME APP_USER APP_PORT PROXY_PORT HEALTH_PATH RELEASE_DIR APP_DIR ENV_FILE LOG_DIR PM2_HOME_DIR NGINX_CONF VHOST_FILE || return 1
export PM2_HOME=$PM2_HOME_DIR

# True when the pid in FILE is a live process. kill -0 is not enough: it succeeds on a zombie, which is
# what a killed daemon stays until something reaps it.
pid_file_alive() {
  local pid state
  [[ -r "$1" ]] || return 1
  pid=$(<"$1")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# The pm2 daemon of this app, if one is running: never start one just to ask.
pm2_daemon_alive() { pid_file_alive "$PM2_HOME/pm2.pid"; }

# One status line for this app from pm2, e.g. "online=2 total=2 restarts=0 errored=0"; fails when pm2 does not answer.
pm2_summary() { pm2 jlist 2>/dev/null | node "$HOOKS_DIR/lib/pm2-summary.mjs" "$APP_NAME"; }

# Deletes this app from pm2 and waits until pm2 lists none of its processes: a delete that lands while pm2
# waits to restart a crashed worker can leave that worker behind. Only call it with a live daemon.
pm2_delete_app() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    [[ "$(pm2_summary)" =~ total=0\  ]] && return 0
    ((attempt == 1)) || log "pm2 still lists $APP_NAME; deleting again"
    pm2 delete "$APP_NAME" >/dev/null 2>&1 || true
    sleep 0.3
  done
  [[ "$(pm2_summary)" =~ total=0\  ]]
}

# GET url [host] -> prints "<status> <first 200 bytes of body>"; status 000 when unreachable.
http_probe() {
  local url=$1 host=${2:-} body status
  local -a args=(-sS -o - -w '\n%{http_code}' --max-time "$HEALTH_TIMEOUT")
  [[ -n "$host" ]] && args+=(-H "Host: $host")
  body=$(curl "${args[@]}" -- "$url" 2>&1) || true
  status=${body##*$'\n'}
  [[ "$status" =~ ^[0-9]{3}$ ]] || status=000
  printf '%s %s' "$status" "$(printf '%s' "${body%$'\n'*}" | head -c 200 | tr '\n' ' ')"
}

# True when a probe's status (its first word) is in the health check's matcher range.
status_ok() {
  local status=${1%% *}
  [[ "$status" =~ ^[0-9]{3}$ ]] && ((status >= HEALTH_OK_MIN && status <= HEALTH_OK_MAX))
}
