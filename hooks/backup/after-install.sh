#!/usr/bin/env bash
# AfterInstall (root): the ops tool becomes a new release beside the one a running backup may be using and gets
# its production dependencies; the database comes up from it (ops database-up); only then does it replace
# `current` (one rename); then the systemd units and the group's CloudWatch agent configuration.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

bundle=$OPS_BUNDLE_DIR
releases=$OPS_RELEASES_DIR
current=$OPS_CURRENT
release="$releases/${DEPLOYMENT_ID:?DEPLOYMENT_ID is set by the agent}"
[[ "$(dirname "$current")" == "$(dirname "$releases")" ]] || die "OPS_CURRENT and OPS_RELEASES_DIR must share a parent"

install -d -m 0755 "$releases"
# A release that never finished (npm ci failed, the host died) is removed, this one's included.
find "$releases" -mindepth 1 -maxdepth 1 -name '*.partial' -exec rm -rf {} +
trap 'rm -rf "$release.partial"' EXIT
cp -a "$bundle/ops" "$release.partial"
# The same lock file as the running release: its dependencies are linked, not installed again (npm ci is most of
# a redeploy's time). Releases are root's and never change once complete, so sharing their files is safe.
# Only a release of ours: directly under the releases folder, and root's with every file of its dependencies; a
# link that fails (a link limit, another file system) falls back to the install.
previous=$(readlink -f "$current" 2>/dev/null || true)
if [[ -n "$previous" && "$(dirname "$previous")" == "$(readlink -f "$releases")" && -d "$previous/node_modules" ]] &&
  [[ "$(stat -c %u "$previous")" == 0 && -z "$(find "$previous/node_modules" ! -uid 0 -print -quit)" ]] &&
  cmp -s "$previous/package-lock.json" "$release.partial/package-lock.json" &&
  cp -al "$previous/node_modules" "$release.partial/node_modules"; then
  log "dependencies unchanged since releases/$(basename "$previous"): linked its node_modules"
else
  rm -rf "$release.partial/node_modules"
  log "installing the backup tool's production dependencies"
  # As root, so no dependency's own script may run: --ignore-scripts (esbuild's check is the only one, and its
  # binary comes as a package of its own).
  (cd "$release.partial" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed in $release.partial"
fi
rm -rf "$release"
mv -T "$release.partial" "$release"
trap - EXIT
# The database itself, from the new release, before `current` moves to it (a failure leaves the running release in
# place): ops database-up takes the fixed address and the data volume (attached on a new instance, a replacement
# included), gives mongod TLS from the environment's CA (ops mongo-tls; mongod restarts only when that changed),
# starts it, restores the newest good backup onto a new volume before mongod listens off loopback, and makes every
# user with its password from the secrets bucket; then it writes the backup tool's URI (ENV_FILE) and the client apps'
# connection strings. A daily timer renews the certificate.
# node starts it as the backup unit does: the tool the pipeline compiled, with a smaller peak RSS, and the restore's
# download in /var/tmp on the root volume, not in /tmp, which is tmpfs (OPS_NODE_ARGS, OPS_ENTRY and OPS_TMPDIR in
# scripts/lib/render/backup-paths.ts).
[[ -f "$MONGOD_CONF" ]] || die "no $MONGOD_CONF: the database group's boot script installs MongoDB; this instance did not finish booting"
(cd "$release" && TMPDIR=/var/tmp /usr/bin/node --max-semi-space-size=4 dist/ops.mjs database-up "$ENVIRONMENT") || die "ops database-up failed (above); the apps cannot reach MongoDB on this instance"

ln -sfn "$(basename "$releases")/$DEPLOYMENT_ID" "$current.next"
mv -T "$current.next" "$current"
log "current -> releases/$DEPLOYMENT_ID"

# systemd appends the backup's output to this file (the agent ships it); it needs its folder.
install -d -m 0755 "$(dirname "$BACKUP_LOG")"
install -d -m 0755 "$UNIT_DIR"
for unit in "$bundle"/systemd/*; do
  install -m 0644 "$unit" "$UNIT_DIR/$(basename "$unit")"
  log "installed $UNIT_DIR/$(basename "$unit")"
done

# The database group's memory and disk metrics (the disk alarm watches them), and the backup's log.
apply_agent_config "$bundle/deploy/cloudwatch-agent" backup

# Older releases go, newest first kept; the one `current` names and any a running backup works in always stay.
in_use=$(find /proc -maxdepth 2 -name cwd -path '/proc/[0-9]*' -exec readlink {} + 2>/dev/null | sort -u || true)
find "$releases" -mindepth 1 -maxdepth 1 -type d ! -name '*.partial' -printf '%T@ %f\n' | sort -rn | tail -n +"$((KEEP_RELEASES + 1))" |
  while read -r _ name; do
    if [[ "$name" == "$DEPLOYMENT_ID" ]] || grep -qxF "$releases/$name" <<<"$in_use"; then continue; fi
    rm -rf "${releases:?}/$name" && log "removed old release $name"
  done
