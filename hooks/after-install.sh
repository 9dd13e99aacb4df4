#!/usr/bin/env bash
# AfterInstall (root): production dependencies, log rotation, the group's CloudWatch agent configuration, and
# the nginx vhost: swap in, nginx -t, reload; on a vhost or reload failure the previous vhost is put back and
# the hook fails.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# The release and the folder above it are root's: an older layout gave the whole release to the app user, and the
# agent keeps a folder that already exists.
root_dir "$(dirname "$RELEASE_DIR")"
root_dir "$RELEASE_DIR"

if [[ -f "$APP_DIR/package-lock.json" && ! -d "$APP_DIR/node_modules" ]]; then
  log "installing production dependencies"
  # As the app user, in the one folder of the release it owns (appspec permissions): a dependency's install
  # script never runs as root, and nothing root reads later lives there.
  (cd "$APP_DIR" && runuser -u "$APP_USER" -- npm ci --omit=dev --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi

install -D -m 0644 "$RELEASE_DIR/deploy/logrotate.conf" "/etc/logrotate.d/drsignet-$APP_NAME"

# Before the vhost, so that a configuration the agent refuses fails the hook with nginx untouched: the group's
# memory, disk and nginx logs, and this app's pm2 logs.
apply_agent_config "$RELEASE_DIR/deploy/cloudwatch-agent" "$APP_NAME"

backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT
[[ -f "$VHOST_FILE" ]] && cp -p "$VHOST_FILE" "$backup/vhost"
[[ -d "$SNIPPETS_DIR" ]] && cp -a "$SNIPPETS_DIR" "$backup/snippets"

restore() {
  if [[ -f "$backup/vhost" ]]; then cp -p "$backup/vhost" "$VHOST_FILE.restore" && mv -f "$VHOST_FILE.restore" "$VHOST_FILE"; else rm -f "$VHOST_FILE"; fi
  if [[ -d "$backup/snippets" ]]; then rm -rf "$SNIPPETS_DIR" && cp -a "$backup/snippets" "$SNIPPETS_DIR"; fi
}

# systemd supervises nginx (the boot script enables it): reload it, or start it when it is down.
nginx_reload() { systemctl reload-or-restart nginx; }

# Write beside the live file, then rename: nginx never reads a half-written vhost.
install -d "$(dirname "$VHOST_FILE")"
[[ -d "$RELEASE_DIR/nginx/drsignet" ]] && install -d "$SNIPPETS_DIR" && cp -R "$RELEASE_DIR/nginx/drsignet/." "$SNIPPETS_DIR/"
cp "$RELEASE_DIR/nginx/$APP_NAME.conf" "$VHOST_FILE.new"
mv -f "$VHOST_FILE.new" "$VHOST_FILE"
if ! nginx -t -q -c "$NGINX_CONF"; then
  restore
  die "nginx -t rejected the new vhost for $APP_NAME; the previous vhost is back in place"
fi
if ! nginx_reload; then
  restore
  nginx_reload || true
  die "nginx reload failed; the previous vhost is back in place"
fi
log "vhost $VHOST_FILE installed and nginx reloaded"
