#!/usr/bin/env bash
# BeforeInstall (root): the backup user, and its MongoDB URI from the secrets bucket into a 0600 file only it reads.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ensure_user "$BACKUP_USER" "$BACKUP_HOME"
install -d -m 0750 -o "$BACKUP_USER" -g "$BACKUP_USER" "$BACKUP_HOME"
install -d -m 0755 "$(dirname "$ENV_FILE")"
install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$ENV_FILE" "$BACKUP_USER" MONGODB_URI
