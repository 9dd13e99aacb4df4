// schemaProblems: each class of schema error, pinned to the offending node with an exact message (through the sample).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { P, PATIENT, problemsWith } from './variant.ts'

test('the shipped sample is valid', () => {
  assert.equal(problemsWith(), [])
})

test('unknown key: points at the key, suggests the nearest valid one', () => {
  assert.equal(problemsWith({ file: PATIENT, from: 'port: 3001', to: 'prot: 3001' }), [
    "apps/patient-api.yaml:4:1: the top level is missing required key 'port'",
    "apps/patient-api.yaml:11:1: unknown key 'prot' in the top level; did you mean 'port'?",
  ])
})

test('unknown nested key without a near match lists the allowed keys', () => {
  assert.equal(problemsWith({ file: P, from: '  logRetentionDays: 365', to: '  logRetentionDays: 365\n  zzz: 1' }), [
    "environments/production.yaml:244:3: unknown key 'zzz' in /audit; allowed keys: cloudTrail, config, logRetentionDays",
  ])
})

test('missing required key: reported at its parent, naming it', () => {
  assert.equal(problemsWith({ file: PATIENT, from: '  interval: 15\n', to: '' }), [
    "apps/patient-api.yaml:17:1: /healthCheck is missing required key 'interval'",
  ])
})

test('bad value: at the value, with the expected format', () => {
  assert.equal(problemsWith({ file: PATIENT, from: 'maxMemoryRestart: 512M', to: 'maxMemoryRestart: lots' }), [
    "apps/patient-api.yaml:26:21: /pm2/maxMemoryRestart is 'lots'; must be a memory or file size like 512M, 50M or 1G",
  ])
})

test('out of range, enum, type, not and contains', () => {
  assert.equal(problemsWith({ file: P, from: '    version: 1.14.2\n', to: '    version: 1.14.2\n    port: 70000\n' }), [
    'environments/production.yaml:61:11: /apps/patient-api/port is 70000; must be <= 65535',
  ])
  assert.equal(
    problemsWith({ file: P, from: 'config: CodeDeployDefault.OneAtATime', to: 'config: CodeDeployDefault.Fast' }),
    [
      "environments/production.yaml:80:11: /deployment/config is 'CodeDeployDefault.Fast'; must be one of: CodeDeployDefault.OneAtATime, CodeDeployDefault.HalfAtATime, CodeDeployDefault.AllAtOnce",
    ],
  )
  assert.equal(problemsWith({ file: P, from: 'idleTimeout: 60', to: 'idleTimeout: sixty' }), [
    "environments/production.yaml:20:16: /loadBalancer/idleTimeout is 'sixty'; must be an integer",
  ])
  assert.equal(problemsWith({ file: P, from: 'sshPort: 2222', to: 'sshPort: 22' }), [
    'environments/production.yaml:11:12: /network/sshPort must not be 22: Custom SSH port, reachable from the VPN only (not 22).',
  ])
  assert.equal(
    problemsWith({ file: P, from: '[DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]', to: '[DEPLOYMENT_STOP_ON_ALARM]' }),
    ["environments/production.yaml:81:23: /deployment/autoRollbackEvents must include 'DEPLOYMENT_FAILURE'"],
  )
})

test('a bad map key (propertyNames) is reported at the key', () => {
  const found = problemsWith({ file: P, from: '  api:\n    count: 2', to: '  Api_Group:\n    count: 2' })
  assert.is(
    found[0],
    "environments/production.yaml:31:3: key 'Api_Group' in /instanceGroups: must be an instance group name: lowercase letters, digits and hyphens, starting with a letter, at most 31 characters, not starting with 'release' (the apps' release roles are named drsignet-<env>-release-*, and the permissions boundary lets those write releases)",
  )
})

test("an instance group may not be named like the apps' release roles", () => {
  const found = problemsWith({ file: P, from: '  api:\n    count: 2', to: '  releases:\n    count: 2' })
  assert.match(
    found[0]!,
    /^environments\/production\.yaml:31:3: key 'releases' in \/instanceGroups: must be an instance group name: .* not starting with 'release'/,
  )
})

test("an app may not take the name of the backup tool's deployment", () => {
  const found = problemsWith({ file: P, from: 'apps:\n  patient-api:', to: 'apps:\n  backup:' })
  assert.is(
    found[0],
    "environments/production.yaml:59:3: key 'backup' in /apps: must be an app name: lowercase letters, digits and hyphens, starting with a letter, at most 31 characters; 'backup', 'database', 'admin' and 'mongo-tls' are taken (the backup tool's deployment and MongoDB user, the database's secrets, its admin user, its CA)",
  )
})

test('every problem of a file is reported in one run', () => {
  const found = problemsWith(
    { file: PATIENT, from: 'port: 3001', to: 'port: "3001"' },
    { file: PATIENT, from: 'retain: 14', to: 'retain: 0' },
    { file: PATIENT, from: 'websockets: true', to: 'websockets: yes' },
  )
  assert.equal(found, [
    "apps/patient-api.yaml:11:7: /port is '3001'; must be an integer",
    'apps/patient-api.yaml:32:11: /logs/retain is 0; must be >= 1',
    "apps/patient-api.yaml:40:15: /nginx/websockets is 'yes'; must be true or false",
  ])
})

test.run()
