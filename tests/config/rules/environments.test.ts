// Isolation between environments (rules/environments.ts): nothing shared, said in both files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sample, P, S, problemsWith, expectOnly } from '../variant.ts'

test('env-isolation: no shared VPC range, bucket, branch, host, certificate or key alias; said in both files', () => {
  expectOnly(
    problemsWith(
      { file: S, from: 'vpcCidr: 10.30.0.0/16', to: 'vpcCidr: 10.20.128.0/17' },
      { file: S, from: 'address: 10.30.128.10', to: 'address: 10.20.192.10' },
    ),
    "environments/production.yaml:10:12: VPC 10.20.0.0/16 overlaps the VPC of environment 'staging' (environments/staging.yaml); environments must not share address space",
    "environments/staging.yaml:10:12: VPC 10.20.128.0/17 overlaps the VPC of environment 'production' (environments/production.yaml); environments must not share address space",
  )
  expectOnly(
    problemsWith({ file: S, from: 'bucket: drsignet-staging-backups', to: 'bucket: drsignet-production-backups' }),
    "environments/production.yaml:99:11: bucket 'drsignet-production-backups' is also used by environment 'staging' (environments/staging.yaml); environments must not share buckets",
    "environments/staging.yaml:89:11: bucket 'drsignet-production-backups' is also used by environment 'production' (environments/production.yaml); environments must not share buckets",
  )
  expectOnly(
    problemsWith({ file: S, from: 'branch: staging', to: 'branch: production' }),
    "environments/production.yaml:6:9: branch 'production' also deploys environment 'staging' (environments/staging.yaml); each environment needs its own branch",
    "environments/staging.yaml:6:9: branch 'production' also deploys environment 'production' (environments/production.yaml); each environment needs its own branch",
  )
  const host = problemsWith({ file: S, from: 'hosts: [admin.staging.drsignet.com]', to: 'hosts: [admin.drsignet.com]' })
  assert.equal(
    host.map((p) => p.replace(/: host .*/, '')),
    ['environments/production.yaml:70:13', 'environments/staging.yaml:62:13'],
  )
  assert.match(
    host[1]!,
    /host 'admin.drsignet.com' is also served by environment 'production' \(environments\/production.yaml\); the load balancers would race for its traffic/,
  )
  const prodCert = /certificateArn: (\S+)/.exec(sample().envs.find((e) => e.file === P)!.text)![1]!
  // In one account (a copied environment, say), so only the sharing is wrong.
  const cert = problemsWith(
    { file: S, from: /certificateArn: \S+/, to: `certificateArn: ${prodCert}` },
    { file: S, from: 'account: "444455556666"', to: 'account: "111122223333"' },
  )
  assert.equal(
    cert.filter((p) => p.includes('certificate')).map((p) => p.replace(/ certificate .*/, '')),
    ['environments/production.yaml:18:19:', 'environments/staging.yaml:18:19:'],
  )
  assert.ok(
    cert.some((p) =>
      /^environments\/staging.yaml:18:19: certificate arn:aws:acm:\S+ is also used by environment 'production'/.test(p),
    ),
    cert.join('\n'),
  )
  // Different accounts (as in the sample): one alias name is two keys, no clash. In one account it is one key.
  expectOnly(
    problemsWith({ file: S, from: 'keyAlias: alias/drsignet-staging', to: 'keyAlias: alias/drsignet-production' }),
  )
  const oneAccount = problemsWith(
    { file: S, from: 'keyAlias: alias/drsignet-staging', to: 'keyAlias: alias/drsignet-production' },
    { file: S, from: 'account: "444455556666"', to: 'account: "111122223333"' },
  )
  assert.ok(
    oneAccount.some((p) =>
      /^environments\/staging.yaml:24:13: key alias 'alias\/drsignet-production' is also environment 'production'/.test(
        p,
      ),
    ),
    oneAccount.join('\n'),
  )
})

test.run()
