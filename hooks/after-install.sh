#!/usr/bin/env bash
# AfterInstall (root): production dependencies, log rotation, the group's CloudWatch agent configuration, and
# the nginx vhost: swap in, nginx -t, reload; on a vhost or reload failure the previous vhost is put back and
# the hook fails.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

release=$(at "$RELEASE_DIR")
app_path=$(at "$APP_DIR")
user=$(owner)
chown -R "$user:$user" "$release"

if [[ -f "$app_path/package-lock.json" && ! -d "$app_path/node_modules" ]]; then
  log "installing production dependencies"
  (cd "$app_path" && runuser -u "$user" -- npm ci --omit=dev --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi

install -D -m 0644 "$release/deploy/logrotate.conf" "$(at "/etc/logrotate.d/drsignet-$APP_NAME")"

# Before the vhost, so that a configuration the agent refuses fails the hook with nginx untouched: the group's
# memory, disk and nginx logs, and this app's pm2 logs.
apply_agent_config "$release/deploy/cloudwatch-agent" "$APP_NAME"

conf=$(at "$NGINX_CONF")
vhost=$(at "$VHOST_FILE")
snippets=$(at "$SNIPPETS_DIR")
backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT
[[ -f "$vhost" ]] && cp -p "$vhost" "$backup/vhost"
[[ -d "$snippets" ]] && cp -a "$snippets" "$backup/snippets"

restore() {
  if [[ -f "$backup/vhost" ]]; then cp -p "$backup/vhost" "$vhost.restore" && mv -f "$vhost.restore" "$vhost"; else rm -f "$vhost"; fi
  if [[ -d "$backup/snippets" ]]; then rm -rf "$snippets" && cp -a "$backup/snippets" "$snippets"; fi
}

# The pid file named by the configuration (nginx -T prints it with every include), else Debian's default.
nginx_pid_file() {
  local file
  file=$(nginx -T -q -c "$conf" 2>/dev/null | sed -n 's/^[[:space:]]*pid[[:space:]]\{1,\}\([^;[:space:]]*\);.*/\1/p' | head -n 1)
  printf '%s' "${file:-$(at /run/nginx.pid)}"
}

# On an instance booted with systemd, systemd supervises nginx: reload it, or restart it when it is down.
# Elsewhere (the local runner): reload a live master, start one when there is none (after a crash or a killed
# instance the pid file may still name a dead or zombie master, and nginx -s reload would "succeed" against it).
nginx_reload() {
  local pid_file
  if [[ -z "$ROOT" && -d /run/systemd/system ]]; then
    systemctl reload-or-restart nginx
    return
  fi
  pid_file=$(nginx_pid_file)
  if pid_file_alive "$pid_file"; then
    nginx -c "$conf" -s reload
  else
    log "nginx is not running; starting it"
    rm -f "$pid_file"
    nginx -c "$conf"
  fi
}

# Write beside the live file, then rename: nginx never reads a half-written vhost.
install -d "$(dirname "$vhost")"
[[ -d "$release/nginx/drsignet" ]] && install -d "$snippets" && cp -R "$release/nginx/drsignet/." "$snippets/"
cp "$release/nginx/$APP_NAME.conf" "$vhost.new"
if [[ -n "$ROOT" ]]; then
  # Local runs only: the vhost's static root is an instance path, so it moves under this instance's root.
  [[ "$ROOT" =~ ^[A-Za-z0-9/._-]+$ ]] || die "DEPLOY_ROOT '$ROOT' has characters a vhost path cannot carry"
  sed -i -E "s#^([[:space:]]*(root|alias)[[:space:]]+)/#\1$ROOT/#" "$vhost.new"
fi
mv -f "$vhost.new" "$vhost"
if ! nginx -t -q -c "$conf"; then
  restore
  die "nginx -t rejected the new vhost for $APP_NAME; the previous vhost is back in place"
fi
if ! nginx_reload; then
  restore
  nginx_reload || true
  die "nginx reload failed; the previous vhost is back in place"
fi
log "vhost $VHOST_FILE installed and nginx reloaded"
