#!/usr/bin/env bash
# BeforeInstall (root): fetch the app's .env from the secrets bucket into a 0600 file owned by the app user.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# On a real instance the app user is created on first deploy.
ensure_user "$APP_USER" "/var/lib/drsignet/$APP_NAME"
user=$(owner)
env_path=$(at "$ENV_FILE")
install -d -m 0750 -o "$user" -g "$user" "$(dirname "$env_path")" "$(at "$LOG_DIR")" "$(at "$PM2_HOME_DIR")"

install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$env_path" "$user"
