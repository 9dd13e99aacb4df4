#!/usr/bin/env bash
# AfterInstall (root): production dependencies, log rotation, and the nginx vhost: swap in, nginx -t,
# reload; on any failure the previous vhost is put back and the hook fails.
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
  printf '%s' "${file:-/run/nginx.pid}"
}

# Reload a live master; start nginx when there is none (after a crash or a killed instance the pid file
# may still name a dead or zombie master, and nginx -s reload would "succeed" against a zombie).
nginx_reload() {
  local pid_file
  if [[ -z "$ROOT" ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx; then
    systemctl reload nginx
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

# The instance group's CloudWatch agent configuration (every app of the group carries the same file): pm2 and
# nginx logs to CloudWatch Logs, memory and disk metrics. Applied only when it changed, so a deployment does
# not restart the agent for nothing; recorded only once the agent took it.
agent_ctl=$(at /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl)
agent_conf=$(at /opt/aws/amazon-cloudwatch-agent/etc/drsignet.json)
new_conf="$release/deploy/amazon-cloudwatch-agent.json"
if [[ ! -f "$new_conf" ]]; then
  log "no CloudWatch agent configuration in this revision"
elif cmp -s "$new_conf" "$agent_conf"; then
  log "CloudWatch agent configuration unchanged"
elif [[ ! -x "$agent_ctl" ]]; then
  log "warning: the CloudWatch agent is not installed; logs and memory/disk metrics are not shipped"
else
  "$agent_ctl" -a fetch-config -m ec2 -s -c "file:$new_conf" >/dev/null || die "the CloudWatch agent refused deploy/amazon-cloudwatch-agent.json"
  install -D -m 0644 "$new_conf" "$agent_conf"
  log "CloudWatch agent configuration applied"
fi
