#!/usr/bin/env bash
# BeforeInstall (root): the app user and the folders it may write, then its .env from the secrets bucket into a
# 0600 file of its own, in a folder only root writes.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# Root's folders first, taken back from the app user where an older layout gave them to it; then the user, and
# the folders it writes, each in a root-only parent.
require_settings APP_HOME MONGO_CA_KEY MONGO_CA_FILE
# The role's credentials stay root's: the app user, once it exists, cannot reach the metadata service.
bash "$HOOKS_DIR/lib/imds-guard.sh"
root_dir /etc/drsignet
root_dir /var/log/drsignet
root_dir /var/lib/drsignet
root_dir "$(dirname "$PM2_HOME_DIR")"
ensure_user "$APP_USER" "$APP_HOME"
user_dir "$APP_HOME" "$APP_USER" 0750
user_dir "$PM2_HOME_DIR" "$APP_USER" 0750
user_dir "$LOG_DIR" "$APP_USER" 0750
# The app reads its .env in a folder it cannot write: root installs the secret there without a race.
root_dir "$(dirname "$ENV_FILE")" 0750 "$APP_USER"
# The release is root's, every path of it, before the agent installs into it: an older layout gave it to the app
# user, and a link of the user's where the agent writes would have root write or chown through it. (Redirected by
# a race, this chown only ever makes something root's.)
if [[ -d "$RELEASE_DIR" ]]; then
  root_dir "$(dirname "$RELEASE_DIR")"
  find "$RELEASE_DIR" -xdev ! -uid 0 -exec chown -h root:root {} +
fi

install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$ENV_FILE" "$APP_USER" "" "${MONGO_ENV_KEY:-}"
install_ca "$SECRETS_BUCKET" "$MONGO_CA_KEY" "$MONGO_CA_FILE"
