#!/usr/bin/env bash
# AfterInstall (root): the ops tool becomes a new release beside the one a running backup may be using,
# gets its production dependencies, and only then replaces `current` (one rename); then the systemd units and
# the group's CloudWatch agent configuration.
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
log "installing the backup tool's production dependencies"
# As root, so no dependency's own script may run: --ignore-scripts (esbuild's check is the only one, and its
# binary comes as a package of its own).
(cd "$release.partial" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed in $release.partial"
rm -rf "$release"
mv -T "$release.partial" "$release"
trap - EXIT
ln -sfn "$(basename "$releases")/$DEPLOYMENT_ID" "$current.next"
mv -T "$current.next" "$current"
log "current -> releases/$DEPLOYMENT_ID"

# The database's TLS, from the release just made current (ops mongo-tls): the environment's CA from the secrets
# bucket (made there by the first database host), this host's certificate, and mongod.conf requiring TLS on
# loopback and the private address; mongod restarts only when either changed. A daily timer renews the certificate.
if [[ -f "$MONGOD_CONF" ]]; then
  (cd "$current" && /usr/bin/node --import tsx scripts/ops.ts mongo-tls "$ENVIRONMENT" --restart) || die "ops mongo-tls failed; mongod keeps the configuration it had"
else
  log "no $MONGOD_CONF: MongoDB is not on this host, so there is no TLS to set up here"
fi

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
