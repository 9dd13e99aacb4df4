#!/usr/bin/env bash
# logrotate's prerotate/postrotate for pm2 logs: pauses (SIGSTOP) the processes that hold the files open
# for the copy and truncate, so copytruncate loses no line; pm2 reloadLogs would drop buffered lines.
# A watchdog resumes them after 10 s whatever happens.
# Usage: log-freeze.sh freeze STATE OWNER FILE... | thaw STATE
# It runs as root (logrotate runs its scripts as root even with `su`), on files in a folder the app user owns. So
# it trusts nothing that user can write: STATE must be in a root-only folder (made here, under /run/drsignet), and
# only OWNER's processes are paused, whatever the log files point to.
set -euo pipefail
action=${1:?freeze or thaw}
state=${2:?state file}
shift 2

# The state folder is root's alone; one that exists with any other owner or mode is refused, not trusted.
state_dir=$(dirname -- "$state")
[[ "$state_dir" == /run/drsignet/* ]] || { echo "log-freeze.sh: the state must be under /run/drsignet, got $state" >&2; exit 2; }
for dir in /run/drsignet "$state_dir"; do
  [[ ! -L "$dir" ]] || { echo "log-freeze.sh: $dir is a symbolic link; refusing to use it" >&2; exit 1; }
done
install -d -m 0755 -o root -g root /run/drsignet
install -d -m 0700 -o root -g root "$state_dir"

thaw() {
  local pid
  if [[ -f "$state" ]]; then
    while read -r pid; do
      if [[ "$pid" =~ ^[0-9]+$ ]]; then kill -CONT "$pid" 2>/dev/null || true; fi
    done <"$state"
    rm -f "$state"
  fi
  # The watchdog is no longer needed, and must not resume writers a later freeze stops.
  if [[ -f "$state.watchdog" ]]; then
    pid=$(<"$state.watchdog")
    if [[ "$pid" =~ ^[0-9]+$ ]]; then kill -- "-$pid" 2>/dev/null || true; fi
    rm -f "$state.watchdog"
  fi
}
if [[ "$action" == thaw ]]; then
  thaw
  exit 0
fi
[[ "$action" == freeze ]] || { echo "log-freeze.sh: unknown action $action" >&2; exit 2; }
owner=${1:?owner of the writers}
shift
uid=$(id -u -- "$owner") || { echo "log-freeze.sh: no user $owner" >&2; exit 2; }
[[ "$uid" != 0 ]] || { echo "log-freeze.sh: the writers' owner must not be root" >&2; exit 2; }

declare -A wanted=()
for f in "$@"; do [[ -e "$f" ]] && wanted[$(readlink -f -- "$f")]=1; done
declare -A writers=()
for fd in /proc/[0-9]*/fd/*; do
  target=$(readlink "$fd" 2>/dev/null) || continue
  if [[ -n "${wanted[$target]:-}" ]]; then
    pid=${fd#/proc/}
    pid=${pid%%/*}
    # Only the app's own processes: a log file the app pointed elsewhere must not pause anyone else.
    [[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" == "$uid" ]] && writers[$pid]=1
  fi
done
unset 'writers[$$]'
((${#writers[@]})) || exit 0
printf '%s\n' "${!writers[@]}" >"$state"
# shellcheck disable=SC2016 # expanded by the watchdog's own shell
setsid bash -c 'sleep 10; for p in "$@"; do kill -CONT "$p" 2>/dev/null; done' _ "${!writers[@]}" </dev/null >/dev/null 2>&1 &
echo "$!" >"$state.watchdog" # its own session and process group: thaw ends it, sleep included
for pid in "${!writers[@]}"; do kill -STOP "$pid" 2>/dev/null || true; done

# Copy only once every thread has stopped: a write(2) in progress finishes before its thread stops.
stopped() {
  local stat fields
  for stat in /proc/"$1"/task/*/stat; do
    fields=$(<"$stat") 2>/dev/null || continue
    fields=${fields##*) } # the state follows the command name, which may hold spaces
    [[ "${fields%% *}" == [tT] ]] || return 1
  done
}
for _ in $(seq 200); do
  all=1
  for pid in "${!writers[@]}"; do stopped "$pid" || { all=0; break; }; done
  ((all)) && exit 0
  sleep 0.01
done
thaw
echo "log-freeze.sh: writers did not stop; rotation skipped" >&2
exit 1
