// The deployed state and the audit log in the artifacts bucket: their keys, the bytes written, reading them back, and
// updates that never lose one another's app (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'
import { s3ArtifactStore, type ArtifactStore } from '../../scripts/lib/aws/artifact-store.ts'
import {
  appendAudit,
  keys,
  readAudit,
  readState,
  updateState,
  writeState,
  type AuditRecord,
  type DeployedApp,
} from '../../scripts/lib/apply/state.ts'

const region = 'ap-south-1'
const bucket = 'drsignet-staging-artifacts'
let moto: Moto
let s3: S3Client
let store: ArtifactStore

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(region, [bucket]))
  store = s3ArtifactStore(s3, bucket, 'alias/drsignet-staging')
})
test.after(async () => {
  await moto?.stop()
})

const object = async (key: string) => {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return { type: r.ContentType, sse: r.ServerSideEncryption, body: await r.Body!.transformToString() }
}

const app = (version: string): DeployedApp => ({
  version,
  revision: `${version}+0123456789ab`,
  bundleKey: `bundles/staging/x/${version}.tar.gz`,
  sha256: 'f'.repeat(64),
  deploymentId: 'd-AAAAAAAAA',
  deployedAt: '2026-03-01T10:00:00.000Z',
  commit: 'abc1234',
})

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  environment: 'staging',
  app: 'patient-api',
  action: 'deploy',
  who: 'arn:aws:sts::123456789012:assumed-role/codebuild/test',
  commit: 'abc1234',
  version: '1.15.0',
  revision: '1.15.0+0123456789ab',
  bundleKey: 'bundles/staging/patient-api/aa.tar.gz',
  sha256: 'a'.repeat(64),
  deploymentId: 'd-AAAAAAAAA',
  startedAt: '2026-03-01T10:00:00.000Z',
  endedAt: '2026-03-01T10:05:00.000Z',
  result: 'Succeeded',
  ...over,
})

test('the keys: state per environment, audit records sortable by time and unique per deployment, bundles by content', () => {
  assert.equal(
    [
      keys.state('staging'),
      keys.auditPrefix('staging'),
      keys.audit(record({ endedAt: '2026-03-01T10:05:07.123Z', deploymentId: 'd-XYZ' })),
      keys.bundle('staging', 'patient-api', 'ab12'),
    ],
    [
      'state/staging/deployed.json',
      'audit/staging/',
      'audit/staging/2026-03-01T10-05-07-123Z-patient-api-d-XYZ.json',
      'bundles/staging/patient-api/ab12.tar.gz',
    ],
  )
})

test('an environment never applied reads as an empty state of that environment', async () => {
  assert.equal(await readState(store, 'never-applied'), { environment: 'never-applied', apps: {}, files: {} })
  // Before the first apply its data stack, and so its bucket, does not exist yet: still nothing deployed.
  const noBucket = s3ArtifactStore(s3, 'drsignet-new-artifacts', 'alias/drsignet-new')
  assert.equal(await readState(noBucket, 'new'), { environment: 'new', apps: {}, files: {} })
})

test('the state is written as sorted, indented JSON with SSE-KMS, and reads back as written', async () => {
  await writeState(store, {
    environment: 'staging',
    apps: { 'patient-api': app('1.15.0'), backup: app('ops') },
    files: { 'apps/patient-api/appspec.yml': 'version: 0.0\n', 'apps/doctor-api/appspec.yml': 'os: linux\n' },
  })
  const written = await object('state/staging/deployed.json')
  assert.equal([written.type, written.sse], ['application/json', 'aws:kms'])
  assert.is(
    written.body,
    JSON.stringify(
      {
        environment: 'staging',
        apps: { backup: app('ops'), 'patient-api': app('1.15.0') },
        files: { 'apps/doctor-api/appspec.yml': 'os: linux\n', 'apps/patient-api/appspec.yml': 'version: 0.0\n' },
      },
      null,
      2,
    ) + '\n',
  )
  assert.equal(await readState(store, 'staging'), {
    environment: 'staging',
    apps: { backup: app('ops'), 'patient-api': app('1.15.0') },
    files: { 'apps/doctor-api/appspec.yml': 'os: linux\n', 'apps/patient-api/appspec.yml': 'version: 0.0\n' },
  })
})

test('stack records are written sorted when there are some, and left out when there are none', async () => {
  const rec = (updatedAt: string) => ({ fingerprint: 'fp', updatedAt })
  await writeState(store, {
    environment: 'stacks-env',
    apps: {},
    files: {},
    stacks: { 'drsignet-x-network': rec('2026-01-02'), 'drsignet-x-data': rec('2026-01-01') },
  })
  assert.equal(Object.keys(JSON.parse((await object('state/stacks-env/deployed.json')).body).stacks), [
    'drsignet-x-data',
    'drsignet-x-network',
  ])
  await writeState(store, { environment: 'no-stacks-env', apps: {}, files: {} })
  assert.equal(Object.keys(JSON.parse((await object('state/no-stacks-env/deployed.json')).body)), [
    'environment',
    'apps',
    'files',
  ])
})

test('updates made side by side all land: none reads the state before the previous one has written it', async () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
  await Promise.all(names.map((n) => updateState(store, 'side-by-side', (s) => void (s.apps[n] = app(`1.0.0-${n}`)))))
  assert.equal(
    Object.entries((await readState(store, 'side-by-side')).apps).map(([n, a]) => [n, a.version]),
    names.map((n) => [n, `1.0.0-${n}`]),
  )
})

test('an update whose change throws rejects with its error, writes nothing, and the next update still runs', async () => {
  const failing = updateState(store, 'after-failure', () => {
    throw new Error('the change failed')
  })
  const next = updateState(store, 'after-failure', (s) => void (s.apps.kept = app('2.0.0')))
  const failed = await failing.then(
    () => 'resolved',
    (e: Error) => e.message,
  )
  await next
  assert.is(failed, 'the change failed')
  assert.equal((await readState(store, 'after-failure')).apps, { kept: app('2.0.0') })
})

test('each audit record is its own object, at the key it returns; the log reads back in order of completion', async () => {
  const late = record({ app: 'doctor-api', endedAt: '2026-03-02T09:00:00.000Z', deploymentId: 'd-LATE' })
  const early = record({ endedAt: '2026-03-01T08:00:00.000Z', deploymentId: 'd-EARLY', result: 'Failed', error: 'x' })
  const middle = record({ action: 'rollback', endedAt: '2026-03-01T12:00:00.000Z', deploymentId: 'd-MID' })
  const returned = []
  for (const r of [late, early, middle]) returned.push(await appendAudit(store, r))
  assert.equal(returned, [
    'audit/staging/2026-03-02T09-00-00-000Z-doctor-api-d-LATE.json',
    'audit/staging/2026-03-01T08-00-00-000Z-patient-api-d-EARLY.json',
    'audit/staging/2026-03-01T12-00-00-000Z-patient-api-d-MID.json',
  ])
  const stored = await object(returned[1]!)
  assert.equal([stored.type, stored.sse], ['application/json', 'aws:kms'])
  assert.is(stored.body, JSON.stringify(early, null, 2) + '\n')
  // Another environment's record, whose prefix starts the same, stays out of this one's log.
  await appendAudit(store, record({ environment: 'staging-2', endedAt: '2026-03-01T11:00:00.000Z' }))
  assert.equal(await readAudit(store, 'staging'), [early, middle, late])
  assert.equal(await readAudit(store, 'production'), [])
})

test.run()
