# shellcheck shell=bash
# Sourced by the backup tool's hooks: base.sh and the settings they share.
# shellcheck source=../lib/base.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/base.sh"
require_settings ENVIRONMENT BACKUP_USER BACKUP_HOME ENV_FILE OPS_BUNDLE_DIR OPS_RELEASES_DIR OPS_CURRENT UNIT_DIR UNIT KEEP_RELEASES BACKUP_LOG MONGO_TLS_DIR MONGOD_CONF TLS_UNIT BOOT_COMPLETE || exit 1
