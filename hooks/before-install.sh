#!/usr/bin/env bash
# BeforeInstall (root): fetch the app's .env from the secrets bucket into a 0600 file owned by the app user.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# On a real instance the app user is created on first deploy; the local runner never creates users.
if ! app_user_exists && [[ -z "$ROOT" ]]; then
  useradd --system --user-group --home-dir "/var/lib/drsignet/$APP_NAME" --shell /usr/sbin/nologin "$APP_USER"
fi
user=$(owner)
env_path=$(at "$ENV_FILE")
install -d -m 0750 -o "$user" -g "$user" "$(dirname "$env_path")" "$(at "$LOG_DIR")" "$(at "$PM2_HOME_DIR")"

umask 077
tmp=$(mktemp "$(dirname "$env_path")/.env.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# The body goes straight to the file: never to the terminal, the log, or argv.
node "$HOOKS_DIR/lib/fetch-secret.mjs" "$SECRETS_BUCKET" "$SECRETS_KEY" >"$tmp" || die "could not fetch s3://$SECRETS_BUCKET/$SECRETS_KEY (see above)"
[[ -s "$tmp" ]] || die "s3://$SECRETS_BUCKET/$SECRETS_KEY is empty"
chmod 0600 "$tmp"
chown "$user:$user" "$tmp"
mv -f "$tmp" "$env_path"
trap - EXIT
log "installed $ENV_FILE (mode 0600, owner $user, $(wc -l <"$env_path") lines)"
