#!/usr/bin/env bash
# ValidateService (root): the timer is enabled (and active on an instance), and the check service, which shares
# every line of the backup service but `--check`, succeeds: the backup user reads its URI, reaches MongoDB and
# lists its S3 prefix from the released tool, in the sandbox the nightly run gets.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

local_systemctl is-enabled --quiet "$UNIT.timer" || die "$UNIT.timer is not enabled"
if [[ -n "$ROOT" ]]; then
  # Local runs have no service manager: the same command as the backup user (or the caller, who lacks one here).
  user=$(owner_of "$BACKUP_USER")
  cd "$(at "$OPS_CURRENT")"
  runuser -u "$user" -- node --import tsx scripts/ops.ts backup "$ENVIRONMENT" --check --env-file "$(at "$ENV_FILE")" ||
    die "the backup tool cannot do its job (see above)"
  exit 0
fi
systemctl is-active --quiet "$UNIT.timer" || die "$UNIT.timer is not active"
since=$(date '+%Y-%m-%d %H:%M:%S')
# A oneshot: start returns when the check has finished, and fails when it failed.
if systemctl start "$UNIT-check.service"; then status=0; else status=$?; fi
journalctl --unit "$UNIT-check.service" --since "$since" --no-pager --output cat | tail -n 20
((status == 0)) || die "$UNIT-check.service failed: the nightly backup could not run either (journal above)"
