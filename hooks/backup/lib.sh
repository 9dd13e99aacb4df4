# shellcheck shell=bash
# Sourced by the backup tool's hooks: base.sh and the settings they share.
# shellcheck source=../lib/base.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/base.sh"
require_settings ENVIRONMENT BACKUP_USER BACKUP_HOME ENV_FILE SECRETS_BUCKET SECRETS_KEY OPS_BUNDLE_DIR OPS_RELEASES_DIR OPS_CURRENT UNIT_DIR UNIT KEEP_RELEASES BACKUP_LOG || exit 1

# systemctl against this machine, or offline against the instance root in a local run (no manager there).
local_systemctl() { if [[ -n "$ROOT" ]]; then systemctl --root="$ROOT" "$@"; else systemctl "$@"; fi; }
