#!/usr/bin/env bash
# AfterInstall (root): production dependencies, log rotation, the group's CloudWatch agent configuration, and
# the nginx vhost: swap in, nginx -t, reload; on a vhost or reload failure the previous vhost is put back and
# the hook fails.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# Every path of the release is root's (BeforeInstall took back what an older layout gave the app user, and the
# agent installs as root): refuse to go on otherwise, since root reads its settings and runs its hooks.
stray=$(find "$RELEASE_DIR" -xdev ! -uid 0 -print -quit)
[[ -z "$stray" ]] || die "$stray is not root's; the release must be root's alone"

# Production dependencies, unless the revision ships them: built as the app user in a folder of its own (no
# dependency's script runs as root), then copied into the release as root's, so the app reads its code and can
# change none of it. The previous revision's copy goes first: the agent's cleanup leaves what it did not install.
if [[ -f "$APP_DIR/package-lock.json" && ! -d "$BUNDLE_DIR/app/node_modules" ]]; then
  log "installing production dependencies (built as $APP_USER)"
  build="$APP_HOME/build"
  rm -rf -- "$build"
  runuser -u "$APP_USER" -- mkdir -m 0700 -- "$build"
  runuser -u "$APP_USER" -- cp -- "$APP_DIR/package.json" "$APP_DIR/package-lock.json" "$build/"
  (cd "$build" && runuser -u "$APP_USER" -- env "npm_config_cache=$APP_HOME/.npm" npm ci --omit=dev --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed for $APP_NAME"
  rm -rf -- "$APP_DIR/node_modules"
  # -P: links are copied as links, never followed; the copies are root's, with the built files' modes.
  if [[ -d "$build/node_modules" ]]; then cp -RP -- "$build/node_modules" "$APP_DIR/node_modules"; fi
  rm -rf -- "$build"
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
