#!/usr/bin/env bash
# Boots one deploy-local instance: systemd as PID 1 in its own PID, mount, UTS, IPC, cgroup and network namespaces,
# on this machine's own tree with a persistent overlay over every folder an instance writes (/etc /opt /var /home
# /root /srv /usr/local) and private /run, /tmp and /dev. The CodeDeploy agent, nginx, the hooks, users and apps then
# use their real paths, and nothing reaches the host: every host mount is read-only in here, and so are /sys,
# /proc/sys and /proc/sysrq-trigger; /dev holds only null, zero, full, random, urandom and tty; the capabilities that
# touch the kernel as a whole (modules, clock, raw I/O) are dropped; the whole instance dies with PID 1. This guards
# against accidents of ordinary software (an `npm -g`, a sysctl unit), not a hostile root: the instance's root keeps
# CAP_SYS_ADMIN and could remount, as in a container without a user namespace.
#
# usage: instance-boot.sh NAME DISK NETNS CGROUP AGENT STAND_INS NODE_MODULES REVISIONS
#   NAME         host name                    DISK       persistent overlay layers (upper/, work/)
#   NETNS        ip netns with the instance's address
#   CGROUP       the cgroup folder name under which the instance's systemd manages its own tree
#   AGENT        CodeDeploy agent source, mounted read-only at /opt/codedeploy-agent/{bin,lib,vendor,certs}
#   STAND_INS    Ruby stand-ins for gems Debian lacks (docopt), at /opt/codedeploy-agent/stand-ins
#   NODE_MODULES node_modules holding pm2, mounted where `npm install -g pm2` would put it
#   REVISIONS    the fleet's revision bundles, read-only at /var/lib/deploy-local/revisions
# DISK/volumes, when present, lists host folders to mount inside, one "HOST_DIR PATH [ro]" per line: an attached data
# volume (read-write; it outlives the instance's disk), or what a package would have installed (ro).
set -euo pipefail

if [[ "${1:-}" != --inside ]]; then
  name=${1:-} netns=${3:-} cgroup=${4:-}
  [[ -n "$name" && -n "$cgroup" && -n "$netns" ]] || { echo "usage: instance-boot.sh NAME DISK NETNS CGROUP AGENT STAND_INS NODE_MODULES REVISIONS" >&2; exit 2; }
  # A cgroup of its own on every hierarchy systemd uses, entered before the cgroup namespace is made, so the
  # instance's systemd sees that folder as its root and never the host's tree.
  if [[ -d /sys/fs/cgroup/unified ]]; then
    hierarchies=(/sys/fs/cgroup/unified /sys/fs/cgroup/systemd)
  elif [[ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]]; then
    hierarchies=(/sys/fs/cgroup)
  else
    echo "instance-boot: no cgroup2 hierarchy under /sys/fs/cgroup; systemd cannot boot an instance here" >&2
    exit 1
  fi
  for h in "${hierarchies[@]}"; do
    mkdir -p "$h/$cgroup"
    echo $$ >"$h/$cgroup/cgroup.procs"
  done
  exec ip netns exec "$netns" unshare --pid --fork --kill-child=SIGKILL --mount --uts --ipc --cgroup --propagation slave \
    "$0" --inside "$@"
fi

shift
name=$1 disk=$2 agent=$5 stand_ins=$6 node_modules=$7 revisions=$8
volumes=()
volume_modes=()
if [[ -f "$disk/volumes" ]]; then
  while read -r src dest mode; do
    [[ -d "$src" && "$dest" == /* && "${mode:-rw}" =~ ^(rw|ro)$ ]] || { echo "instance-boot: $disk/volumes: '$src $dest $mode' is not a folder, an absolute path and rw or ro" >&2; exit 1; }
    volumes+=("$src" "$dest")
    volume_modes+=("${mode:-rw}")
  done <"$disk/volumes"
fi

# The host folders the instance needs, held on a private tmpfs before the overlays and the read-only remount hide
# or freeze their paths; on the first of these folders that holds none of them.
staging=
for candidate in /mnt /media; do
  clash=
  for src in "$disk" "$agent" "$stand_ins" "$node_modules" "$revisions" "${volumes[@]}"; do
    [[ "$src/" == "$candidate/"* ]] && clash=1
  done
  if [[ -d "$candidate" && -z "$clash" ]]; then staging=$candidate; break; fi
done
[[ -n "$staging" ]] || { echo "instance-boot: /mnt and /media both hold a source folder; nowhere to stage them" >&2; exit 1; }
mount -t tmpfs -o mode=0700 tmpfs "$staging"
mkdir "$staging/disk" "$staging/agent" "$staging/stand_ins" "$staging/node_modules" "$staging/revisions"
mount --bind "$disk" "$staging/disk"
mount --bind "$agent" "$staging/agent"
mount --bind "$stand_ins" "$staging/stand_ins"
mount --bind "$node_modules" "$staging/node_modules"
mount --bind "$revisions" "$staging/revisions"
for ((v = 0; v < ${#volumes[@]}; v += 2)); do
  mkdir "$staging/volume$v"
  mount --bind "${volumes[v]}" "$staging/volume$v"
done
disk=$staging/disk

# Every mount of the host is read-only in here (in this namespace only): the instance writes to its overlays and
# its own tmpfs alone, so nothing it does, `npm -g` into /usr included, reaches the machine.
while read -r mountpoint; do
  mountpoint=$(printf '%b' "$mountpoint") # mountinfo escapes spaces and the like as octal
  case "$mountpoint" in
    /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /run/netns/* | "$staging" | "$staging"/*) continue ;;
    *) mount -o remount,bind,ro "$mountpoint" 2>/dev/null || true ;;
  esac
done < <(awk '{ print $5 }' /proc/self/mountinfo | sort -u)

# Persistent layers: what the instance writes survives a kill and a reboot, as an EBS root volume does.
for dir in etc opt var home root srv usr/local; do
  layer=${dir//\//-}
  mkdir -p "$disk/upper/$layer" "$disk/work/$layer"
  mount -t overlay "instance-$layer" -o "lowerdir=/$dir,upperdir=$disk/upper/$layer,workdir=$disk/work/$layer" "/$dir"
done

mount -t proc proc /proc
for path in /proc/sys /proc/sysrq-trigger; do
  [[ -e "$path" ]] || continue # a kernel without magic SysRq has no trigger
  mount --bind "$path" "$path"
  mount -o remount,bind,ro "$path"
done
# ip netns exec mounted a sysfs of the instance's network namespace; the instance may read it, not write it.
mount -o remount,bind,ro /sys
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp

# /dev: the few nodes a server uses, a private pts and shm; no disks, no consoles, no kernel log.
mkdir /run/host-dev
mount --bind /dev /run/host-dev
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /dev
for node in null zero full random urandom tty; do
  touch "/dev/$node"
  mount --bind "/run/host-dev/$node" "/dev/$node"
done
umount /run/host-dev
rmdir /run/host-dev
mkdir /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr

# The cgroup namespace's view: hybrid (cgroup2 plus systemd's named v1 hierarchy) when the host is, else cgroup2.
if grep -q 'name=systemd' /proc/self/cgroup; then
  mount -t tmpfs -o mode=0755,nosuid,nodev,noexec tmpfs /sys/fs/cgroup
  mkdir /sys/fs/cgroup/unified /sys/fs/cgroup/systemd
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup/unified
  mount -t cgroup -o none,name=systemd,nosuid,nodev,noexec cgroup /sys/fs/cgroup/systemd
else
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
fi

# What the instance-group boot script installs: the CodeDeploy agent (its code read-only, its state in
# /opt/codedeploy-agent/deployment-root) and pm2 where a global npm install puts it.
for part in bin lib vendor certs; do
  mkdir -p "/opt/codedeploy-agent/$part"
  mount --bind "$staging/agent/$part" "/opt/codedeploy-agent/$part"
  mount -o remount,bind,ro "/opt/codedeploy-agent/$part"
done
mkdir -p /opt/codedeploy-agent/stand-ins /usr/local/lib/deploy-local/node_modules /usr/local/bin /var/lib/deploy-local/revisions
mount --bind "$staging/stand_ins" /opt/codedeploy-agent/stand-ins
mount -o remount,bind,ro /opt/codedeploy-agent/stand-ins
mount --bind "$staging/node_modules" /usr/local/lib/deploy-local/node_modules
mount -o remount,bind,ro /usr/local/lib/deploy-local/node_modules
ln -sfn /usr/local/lib/deploy-local/node_modules/pm2/bin/pm2 /usr/local/bin/pm2
mount --bind "$staging/revisions" /var/lib/deploy-local/revisions
mount -o remount,bind,ro /var/lib/deploy-local/revisions
# Attached data volumes, read-write where the instance mounted them.
for ((v = 0; v < ${#volumes[@]}; v += 2)); do
  mkdir -p "${volumes[v + 1]}"
  mount --bind "$staging/volume$v" "${volumes[v + 1]}"
  [[ "${volume_modes[v / 2]}" == rw ]] || mount -o remount,bind,ro "${volumes[v + 1]}"
done
mkdir -p /etc/codedeploy-agent/conf
cat >/etc/codedeploy-agent/conf/codedeployagent.yml <<'YAML'
---
:log_aws_wire: false
:log_dir: '/var/log/aws/codedeploy-agent/'
:pid_dir: '/opt/codedeploy-agent/state/.pid/'
:program_name: codedeploy-agent
:root_dir: '/opt/codedeploy-agent/deployment-root'
:verbose: true
:wait_between_runs: 1
:proxy_uri:
:max_revisions: 5
:disable_imds_v1: true
YAML

echo "$name" >/etc/hostname
hostname "$name"
[[ -s "$disk/machine-id" ]] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$disk/machine-id"
cp "$disk/machine-id" /etc/machine-id
umount -R "$staging"

# Boots what an instance of this platform runs, not everything this machine has enabled (timers that reach the
# network, gettys on the host's terminals, its databases): sysinit, the journal and nginx.
cat >/etc/systemd/system/deploy-local-instance.target <<'UNIT'
[Unit]
Description=deploy-local instance (journal, D-Bus, nginx)
Requires=sysinit.target
Wants=systemd-journald.service dbus.service nginx.service
After=sysinit.target nginx.service
AllowIsolate=yes
UNIT

exec setpriv --bounding-set -sys_module,-sys_rawio,-sys_time,-syslog,-wake_alarm,-sys_pacct,-mac_admin,-mac_override,-block_suspend \
  env -i container=deploy-local PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /lib/systemd/systemd --system --unit=deploy-local-instance.target --log-target=console --show-status=false
