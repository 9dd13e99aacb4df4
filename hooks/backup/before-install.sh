#!/usr/bin/env bash
# BeforeInstall (root): the backup user, and its MongoDB URI from the secrets bucket into a 0600 file only it reads.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ensure_user "$BACKUP_USER" "$BACKUP_HOME"
user=$(owner_of "$BACKUP_USER")
env_path=$(at "$ENV_FILE")
install -d -m 0750 -o "$user" -g "$user" "$(at "$BACKUP_HOME")"
install -d -m 0755 "$(dirname "$env_path")"
install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$env_path" "$user" MONGODB_URI
