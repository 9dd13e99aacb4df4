#!/usr/bin/env bash
# ValidateService (the backup user): the timer is enabled (and active on an instance), and the released tool
# reads its URI, reaches MongoDB and lists its S3 prefix, exactly as the nightly run will.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

local_systemctl is-enabled --quiet "$UNIT.timer" || die "$UNIT.timer is not enabled"
if [[ -z "$ROOT" ]]; then
  systemctl is-active --quiet "$UNIT.timer" || die "$UNIT.timer is not active"
fi
cd "$(at "$OPS_CURRENT")"
node --import tsx scripts/ops.ts backup "$ENVIRONMENT" --check --env-file "$(at "$ENV_FILE")" || die "the backup tool cannot do its job (see above)"
