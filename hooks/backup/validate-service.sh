#!/usr/bin/env bash
# ValidateService (root): the timer is enabled (and active on an instance), and the check service, which shares
# every line of the backup service but `--check`, succeeds: the backup user reads its URI, reaches MongoDB and
# lists its S3 prefix from the released tool, in the sandbox the nightly run gets.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

systemctl is-enabled --quiet "$UNIT.timer" || die "$UNIT.timer is not enabled"
systemctl is-active --quiet "$UNIT.timer" || die "$UNIT.timer is not active"
since=$(date '+%Y-%m-%d %H:%M:%S')
# A oneshot: start returns when the check has finished, and fails when it failed.
if systemctl start "$UNIT-check.service"; then status=0; else status=$?; fi
journalctl --unit "$UNIT-check.service" --since "$since" --no-pager --output cat | tail -n 20
((status == 0)) || die "$UNIT-check.service failed: the nightly backup could not run either (journal above)"
