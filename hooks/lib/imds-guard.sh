#!/usr/bin/env bash
# The instance role's credentials are root's (and the users named here) alone: every other user is refused the
# metadata service (nftables, by the socket's owner). Any local user could otherwise take the role's credentials
# and, with them, read every other app's secret. The boot script sets the root-only rule at first boot; this keeps
# it, across reboots too (a unit runs it at boot from the list it keeps), and admits the users a revision needs
# (the backup tool's). Usage: imds-guard.sh [USER...] (root; idempotent).
set -euo pipefail
users_file=/etc/drsignet/imds-users
lib=/usr/local/lib/drsignet
unit=/etc/systemd/system/drsignet-imds-guard.service

command -v nft >/dev/null || { echo "imds-guard: nft is missing (dnf install nftables)" >&2; exit 1; }
install -d -m 0755 -o root -g root /etc/drsignet "$lib"
touch "$users_file"
chmod 0644 "$users_file"
for user in "$@"; do
  [[ "$user" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || { echo "imds-guard: '$user' is not a user name" >&2; exit 2; }
  grep -qx -- "$user" "$users_file" || echo "$user" >>"$users_file"
done

uids=0
admitted=root
while read -r user; do
  [[ -n "$user" ]] || continue
  uid=$(id -u -- "$user" 2>/dev/null) || { echo "imds-guard: no user $user (listed in $users_file); not admitted" >&2; continue; }
  uids+=", $uid"
  admitted+=" $user"
done <"$users_file"

# One transaction: the table is replaced whole, never missing in between.
nft -f - <<NFT
table inet drsignet_imds
delete table inet drsignet_imds
table inet drsignet_imds {
  set allowed {
    type uid
    elements = { $uids }
  }
  chain output {
    type filter hook output priority filter; policy accept;
    ip daddr 169.254.169.254 meta skuid != @allowed reject
    ip6 daddr fd00:ec2::254 meta skuid != @allowed reject
  }
}
NFT

# At every boot, before the agents that use the role: the same rule from the same list.
self=$(readlink -f -- "${BASH_SOURCE[0]}")
if [[ "$self" != "$lib/imds-guard.sh" ]]; then
  install -m 0755 -o root -g root "$self" "$lib/imds-guard.sh.new"
  mv -f "$lib/imds-guard.sh.new" "$lib/imds-guard.sh"
fi
cat >"$unit.new" <<'UNIT'
[Unit]
Description=DrSignet: the metadata service (the instance role's credentials) for root and the listed users only
DefaultDependencies=no
After=local-fs.target
Before=network-pre.target codedeploy-agent.service amazon-cloudwatch-agent.service
Wants=network-pre.target
# Early, as the distribution's own firewall (nftables.service) starts.

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/lib/drsignet/imds-guard.sh

[Install]
WantedBy=sysinit.target
UNIT
chmod 0644 "$unit.new"
if cmp -s "$unit.new" "$unit"; then
  rm -f "$unit.new"
else
  mv -f "$unit.new" "$unit"
  systemctl daemon-reload
fi
systemctl is-enabled --quiet drsignet-imds-guard.service || systemctl enable --quiet drsignet-imds-guard.service
echo "metadata service (the instance role): $admitted only"
