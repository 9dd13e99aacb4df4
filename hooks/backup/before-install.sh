#!/usr/bin/env bash
# BeforeInstall (root): the backup user, and its MongoDB URI from the secrets bucket into a 0600 file only it reads.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ensure_user "$BACKUP_USER" "$BACKUP_HOME"
# The backup tool reaches S3 with the instance role; no other user but root reaches the metadata service.
bash "$HOOKS_DIR/lib/imds-guard.sh" "$BACKUP_USER"
user_dir "$BACKUP_HOME" "$BACKUP_USER" 0750
root_dir "$(dirname "$ENV_FILE")"
install_secret "$SECRETS_BUCKET" "$SECRETS_KEY" "$ENV_FILE" "$BACKUP_USER" MONGODB_URI
