# shellcheck shell=bash
# Sourced by every hook (through common.sh for apps): loads deploy/hook.env and offers log/die, the hook user and
# the secret installer. Every path is the instance's own: deploy-local runs these hooks on booted instances too.
HOOKS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE_DIR=$(dirname "$HOOKS_DIR")
# shellcheck source=/dev/null
. "$BUNDLE_DIR/deploy/hook.env"
export AWS_REGION

# require_settings NAME...: fails (return 1) naming the first setting deploy/hook.env lacks.
require_settings() {
  local setting
  for setting in "$@"; do
    [[ -n "${!setting:-}" ]] || { echo "deploy/hook.env: $setting is missing" >&2; return 1; }
  done
}

log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${LIFECYCLE_EVENT:-hook}" "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }

# ensure_user USER HOME: the system user a hook runs as. Its shell must be a real one: the CodeDeploy agent runs a
# `runas` hook as `su USER -c SCRIPT`, and su starts the user's shell (nologin would refuse every hook). The
# password stays locked and no key is installed, so nobody logs in as it.
ensure_user() {
  local user=$1 home=$2
  if ! id -u "$user" >/dev/null 2>&1; then
    # A home it owns (npm ci keeps its cache there), made by user_dir once the user exists.
    useradd --system --user-group --no-create-home --home-dir "$home" --shell /bin/bash "$user"
  else
    [[ "$(getent passwd "$user" | cut -d: -f7)" == /bin/bash ]] || usermod --shell /bin/bash "$user"
    if [[ "$(getent passwd "$user" | cut -d: -f6)" != "$home" ]]; then
      # usermod refuses while the user runs anything; its pm2 daemon outlives ApplicationStop, and the app is out
      # of service now, so its processes go first.
      usermod --home "$home" "$user" 2>/dev/null || { stop_user_processes "$user" && usermod --home "$home" "$user"; } ||
        log "warning: $user keeps its home $(getent passwd "$user" | cut -d: -f6) until its processes end"
    fi
  fi
}

# stop_user_processes USER: SIGTERM to every process of USER, SIGKILL after 5 s to those left (reads /proc: no procps).
stop_user_processes() {
  local uid signal status pid i
  local -a pids
  uid=$(id -u -- "$1") || return 1
  [[ "$uid" != 0 ]] || return 1
  for signal in TERM KILL; do
    pids=()
    for status in /proc/[0-9]*/status; do
      [[ "$(awk '/^Uid:/ { print $2; exit }' "$status" 2>/dev/null)" == "$uid" ]] || continue
      pid=${status#/proc/}
      pids+=("${pid%/status}")
    done
    ((${#pids[@]})) || return 0
    kill -"$signal" "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      any_alive "${pids[@]}" || break
      sleep 0.1
    done
  done
}

# any_alive PID...: true while one of them still exists.
any_alive() {
  local pid
  for pid in "$@"; do [[ -e "/proc/$pid" ]] && return 0; done
  return 1
}

# The ownership model (docs/instance-ownership.md): what root runs or reads, and every folder above it, is root's and
# writable by root alone; a user owns only folders it writes, each in such a root-only parent, so it can never swap
# a path root is about to use for a link to something else.

# root_only PATH: PATH is root's, not a link, and no one else may write it.
# wait_for_file FILE SECONDS: true once FILE exists, false if it did not appear in time (says so once a minute).
wait_for_file() {
  local file=$1 seconds=$2 waited=0
  while [[ ! -e "$file" ]]; do
    ((waited < seconds)) || return 1
    ((waited % 60 != 0 || waited == 0)) || log "still waiting for $file (${waited} s)"
    sleep 5
    waited=$((waited + 5))
  done
}

root_only() { [[ ! -L "$1" && "$(stat -c %u -- "$1")" == 0 && $((0$(stat -c %a -- "$1") & 022)) == 0 ]]; }

# root_dir PATH [MODE [GROUP]]: a folder of root's (GROUP may read it with MODE 0750), made or taken back; a link
# in its place is removed first. Its parent must be root's alone.
root_dir() {
  local path=$1 mode=${2:-0755} group=${3:-root}
  root_only "$(dirname -- "$path")" || die "$(dirname -- "$path") must be root's alone before $path is made in it"
  if [[ -L "$path" || (-e "$path" && ! -d "$path") ]]; then rm -f -- "$path"; fi
  install -d -m "$mode" -o root -g "$group" -- "$path"
}

# user_dir PATH USER MODE: a folder USER owns and writes, in a parent that is root's alone.
user_dir() {
  local path=$1 user=$2 mode=$3
  root_only "$(dirname -- "$path")" || die "$(dirname -- "$path") must be root's alone before $user gets $path in it"
  if [[ -L "$path" || (-e "$path" && ! -d "$path") ]]; then rm -f -- "$path"; fi
  install -d -m "$mode" -o "$user" -g "$user" -- "$path"
}

# install_secret BUCKET KEY FILE OWNER [REQUIRED_KEY]: s3://BUCKET/KEY into FILE, mode 0600, owned by OWNER,
# renamed into place only when complete (and holding a REQUIRED_KEY=... line, when one is named), so a bad
# secret never replaces a good one. The body goes straight to the file: never to the terminal, the log, or argv.
install_secret() {
  local bucket=$1 key=$2 file=$3 user=$4 required=${5:-} extra=${6:-} tmp status=0
  # In a folder only root writes, the temporary file cannot be raced: no one can put a link where it is made.
  root_only "$(dirname -- "$file")" || die "$(dirname -- "$file") must be root's alone to hold a secret"
  tmp=$(umask 077 && mktemp "$(dirname "$file")/.secret.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap must remove this very file
  trap "rm -f '$tmp'" EXIT
  node "$HOOKS_DIR/lib/fetch-secret.mjs" "$bucket" "$key" >"$tmp" || die "could not fetch s3://$bucket/$key (see above; upload the file there first)"
  [[ -s "$tmp" ]] || die "s3://$bucket/$key is empty"
  # EXTRA_KEY: the database host's part (the connection string it made), after the app's own lines so it wins. Only
  # its two keys: whoever writes that object must not set NODE_OPTIONS or any other secret of the app's.
  if [[ -n "$extra" ]]; then
    local part
    part=$(node "$HOOKS_DIR/lib/fetch-secret.mjs" "$bucket" "$extra") || status=$?
    if ((status == 3)); then
      log "warning: no s3://$bucket/$extra yet (the database host writes it when the backup tool deploys); the app gets its own .env alone"
    elif ((status != 0)); then
      die "could not fetch s3://$bucket/$extra (see above)"
    elif grep -qvE '^(#.*|MONGODB_URI=.+|MONGODB_DATABASE=[A-Za-z0-9_-]+|)$' <<<"$part"; then
      die "s3://$bucket/$extra holds lines other than MONGODB_URI and MONGODB_DATABASE; $file is unchanged"
    else
      printf '\n%s\n' "$part" >>"$tmp"
    fi
  fi
  [[ -z "$required" ]] || grep -q "^$required=." "$tmp" || die "s3://$bucket/$key has no $required=... line; $file is unchanged"
  chmod 0600 "$tmp"
  chown "$user:$user" "$tmp"
  mv -f "$tmp" "$file"
  trap - EXIT
  log "installed $file (mode 0600, owner $user, $(wc -l <"$file") lines)"
}

# install_ca BUCKET KEY FILE: the database's CA certificate (not a secret: root's, 0644) beside the app's .env. Until the
# database host has made it (its first backup deployment, after the apps on a new environment), the app keeps what it
# had and the hook says so.
install_ca() {
  local bucket=$1 key=$2 file=$3 tmp status=0
  root_only "$(dirname -- "$file")" || die "$(dirname -- "$file") must be root's alone"
  tmp=$(mktemp "$(dirname "$file")/.ca.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap must remove this very file
  trap "rm -f '$tmp'" EXIT
  node "$HOOKS_DIR/lib/fetch-secret.mjs" "$bucket" "$key" >"$tmp" || status=$?
  if ((status == 3)); then
    rm -f "$tmp"
    trap - EXIT
    log "warning: no database CA at s3://$bucket/$key yet (the database host makes it); $file is unchanged"
    return 0
  fi
  ((status == 0)) || die "could not fetch s3://$bucket/$key (see above)"
  grep -q -- '-----BEGIN CERTIFICATE-----' "$tmp" || die "s3://$bucket/$key is not a PEM certificate; $file is unchanged"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$file"
  trap - EXIT
  log "installed $file (the database's CA)"
}

# apply_agent_config SRC_DIR OWNER: keeps the group base and OWNER's own fragment from SRC_DIR (deploy/cloudwatch-agent/)
# in /etc/drsignet/cloudwatch-agent, composes them with every other owner's fragment already there, and hands the
# result to the agent when it changed (so a deployment does not restart the agent for nothing, and rolling one app
# back never drops another's logs); recorded only once the agent took it.
apply_agent_config() {
  local src=$1 owner=$2 state agent_ctl agent_conf
  state=/etc/drsignet/cloudwatch-agent
  agent_ctl=/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl
  agent_conf=/opt/aws/amazon-cloudwatch-agent/etc/drsignet.json
  if [[ ! -f "$src/base.json" || ! -f "$src/$owner.json" ]]; then
    log "no CloudWatch agent configuration in this revision"
    return 0
  fi
  install -d -m 0755 "$state/fragments"
  install -m 0644 "$src/base.json" "$state/base.json"
  install -m 0644 "$src/$owner.json" "$state/fragments/$owner.json"
  node "$HOOKS_DIR/lib/agent-config.mjs" "$state/base.json" "$state/fragments" >"$state/merged.json" || die "could not compose the CloudWatch agent configuration"
  if cmp -s "$state/merged.json" "$agent_conf"; then
    log "CloudWatch agent configuration unchanged"
  elif [[ ! -x "$agent_ctl" ]]; then
    log "warning: the CloudWatch agent is not installed; logs and memory/disk metrics are not shipped"
  else
    "$agent_ctl" -a fetch-config -m ec2 -s -c "file:$state/merged.json" >/dev/null || die "the CloudWatch agent refused the configuration composed with deploy/cloudwatch-agent/$owner.json"
    install -D -m 0644 "$state/merged.json" "$agent_conf"
    log "CloudWatch agent configuration applied ($(find "$state/fragments" -name '*.json' | wc -l) fragments)"
  fi
}
