// Network rules (rules/network.ts): VPN ranges, certificate region, buckets, secrets prefix.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cidrsOverlap } from '../../../scripts/lib/config/rules/network.ts'
import { P, S, problemsWith, expectOnly } from '../variant.ts'

test('vpn-peer: OpenVPN opens only to a public range, never the internet at large', () => {
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 192.168.1.0/24' }),
    "environments/production.yaml:14:16: VPN peer range 192.168.1.0/24 overlaps 192.168.0.0/16, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 10.20.5.0/24' }),
    "environments/production.yaml:14:16: VPN peer range 10.20.5.0/24 overlaps 10.0.0.0/8, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 0.0.0.0/0' }),
    "environments/production.yaml:14:16: /network/vpnPeerCidr is '0.0.0.0/0'; must be an IPv4 CIDR block of /8 to /32, like 203.0.113.0/24",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 0.0.0.0/8' }),
    "environments/production.yaml:14:16: VPN peer range 0.0.0.0/8 overlaps 0.0.0.0/8, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  assert.equal(
    problemsWith({ file: P, from: '  vpnPeerCidr: 203.0.113.0/24\n', to: '' }),
    [],
    'omitted: the VPN stays closed',
  )
})

test('vpn-cidr and certificate-region', () => {
  expectOnly(
    problemsWith({ file: P, from: 'vpnClientCidr: 172.27.224.0/20', to: 'vpnClientCidr: 10.20.64.0/20' }),
    'environments/production.yaml:12:18: VPN client range 10.20.64.0/20 overlaps the VPC 10.20.0.0/16; pick a range outside it',
  )
  expectOnly(
    problemsWith({ file: P, from: 'acm:ap-south-1:111122223333', to: 'acm:us-east-1:111122223333' }),
    'environments/production.yaml:18:19: certificate is in 111122223333/us-east-1 but the environment is 111122223333/ap-south-1; the ALB needs a certificate in its own account and region',
  )
  assert.ok(cidrsOverlap('10.20.0.0/16', '10.20.128.0/17'))
  assert.not.ok(cidrsOverlap('10.20.0.0/16', '10.21.0.0/16'))
})

test('buckets-distinct: each purpose has its own bucket', () => {
  expectOnly(
    problemsWith({ file: P, from: 'logs: drsignet-production-logs', to: 'logs: drsignet-production-artifacts' }),
    "environments/production.yaml:28:9: bucket 'drsignet-production-artifacts' is also buckets.artifacts; secrets, backups, artifacts and logs each need their own bucket so their access stays separate",
  )
})

test("secrets-prefix: names the environment, so no instance reads another environment's secrets", () => {
  expectOnly(
    problemsWith({ file: S, from: 'prefix: secrets/staging', to: 'prefix: secrets/production' }),
    "environments/staging.yaml:66:11: secrets prefix 'secrets/production' must end with the environment name ('staging'), e.g. secrets/staging, so no environment reads another's secrets",
  )
})

test.run()
