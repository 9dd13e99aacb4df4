#!/usr/bin/env bash
# BeforeInstall (root): the backup user, the folder of its MongoDB URI (AfterInstall's ops database-up writes the
# file, 0600, the backup user's), and the metadata service for it alone.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# On a new instance CodeDeploy's lifecycle hook may start this revision while the launch template's boot script is
# still installing MongoDB and Node.js: wait for the file it writes last.
wait_for_file "$BOOT_COMPLETE" 780 || die "the boot script did not finish ($BOOT_COMPLETE missing; see /var/log/cloud-init-output.log)"
ensure_user "$BACKUP_USER" "$BACKUP_HOME"
# The backup tool reaches S3 with the instance role; no other user but root reaches the metadata service.
bash "$HOOKS_DIR/lib/imds-guard.sh" "$BACKUP_USER"
user_dir "$BACKUP_HOME" "$BACKUP_USER" 0750
root_dir "$(dirname "$ENV_FILE")"
