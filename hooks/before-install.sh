#!/usr/bin/env bash
# BeforeInstall (root): fetch the app's .env from the secrets bucket into a 0600 file owned by the app user.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# On a real instance the app user is created on first deploy.
ensure_user "$APP_USER" "/var/lib/drsignet/$APP_NAME"
install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$(dirname "$ENV_FILE")" "$LOG_DIR" "$PM2_HOME_DIR"

install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$ENV_FILE" "$APP_USER"
