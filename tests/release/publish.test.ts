// Publishing a release once into moto's S3 (bytes, then manifest, each only if absent) and reading it back for apply,
// checked against its manifest: every outcome and every refusal with its message (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'
import { s3ArtifactStore, type ArtifactStore } from '../../scripts/lib/aws/artifact-store.ts'
import { contentHash, packEntries } from '../../scripts/lib/bundle/tar.ts'
import type { PackedRelease } from '../../scripts/lib/release/pack.ts'
import { fetchRelease, findManifest, publishRelease, ReleaseConflictError } from '../../scripts/lib/release/publish.ts'

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

async function packed(body: string): Promise<PackedRelease> {
  const gz = await packEntries([{ path: 'server.js', data: Buffer.from(body), mode: 0o644 }])
  return { gz, sha256: contentHash(gz), files: 1 }
}
const manifestOf = (app: string, version: string, p: PackedRelease, createdAt = '2026-12-01T00:00:00.000Z') => ({
  app,
  version,
  sha256: p.sha256,
  bytes: p.gz.length,
  files: p.files,
  source: { repository: `drsignet-${app}`, commit: 'abc1234' },
  build: 'drsignet-release:1',
  node: 'v22.0.0',
  createdAt,
})
const text = async (key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()
const put = (key: string, body: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: Error) => `${e instanceof ReleaseConflictError ? 'conflict: ' : ''}${e.message}`,
  )

test('a new version: the bytes and then the manifest are written; apply reads back those bytes', async () => {
  const p = await packed('console.log("1.0.0")\n')
  const m = manifestOf('patient-api', '1.0.0', p)
  assert.equal(await publishRelease(store, p, m), {
    outcome: 'published',
    url: 's3://drsignet-staging-artifacts/releases/patient-api/1.0.0.tgz',
    manifest: m,
  })
  assert.is(await text('releases/patient-api/1.0.0.json'), JSON.stringify(m, null, 2) + '\n')
  assert.equal(await findManifest(store, 'patient-api', '1.0.0'), m)
  assert.ok((await fetchRelease(store, 'patient-api', '1.0.0')).equals(p.gz))
})

test('the same bytes again: unchanged, and the manifest stays the first one', async () => {
  const p = await packed('console.log("1.0.0")\n')
  const again = manifestOf('patient-api', '1.0.0', p, '2026-12-02T00:00:00.000Z')
  const out = await publishRelease(store, p, again)
  assert.equal(out, {
    outcome: 'unchanged',
    url: 's3://drsignet-staging-artifacts/releases/patient-api/1.0.0.tgz',
    manifest: manifestOf('patient-api', '1.0.0', p),
  })
  assert.is(JSON.parse(await text('releases/patient-api/1.0.0.json')).createdAt, '2026-12-01T00:00:00.000Z')
})

test('other bytes under a published version: refused with both sha256s, the release untouched', async () => {
  const first = await packed('console.log("1.0.0")\n')
  const other = await packed('console.log("something else")\n')
  assert.is(
    await refusal(publishRelease(store, other, manifestOf('patient-api', '1.0.0', other))),
    `conflict: patient-api 1.0.0 is already published with other bytes: s3://drsignet-staging-artifacts/releases/patient-api/1.0.0.tgz has sha256 ${first.sha256}, this build ${other.sha256}; a version never changes: release a new version`,
  )
  assert.ok((await fetchRelease(store, 'patient-api', '1.0.0')).equals(first.gz))
  assert.is(JSON.parse(await text('releases/patient-api/1.0.0.json')).sha256, first.sha256)
})

test('bytes published by a run that stopped before the manifest: the next run writes it, and says completed', async () => {
  const p = await packed('console.log("1.1.0")\n')
  await put('releases/patient-api/1.1.0.tgz', p.gz)
  assert.is(
    await refusal(fetchRelease(store, 'patient-api', '1.1.0')),
    "patient-api 1.1.0 has no manifest: s3://drsignet-staging-artifacts/releases/patient-api/1.1.0.json does not exist; publish it with ops release (the app's CI does)",
  )
  const m = manifestOf('patient-api', '1.1.0', p)
  assert.equal((await publishRelease(store, p, m)).outcome, 'completed')
  assert.equal(await findManifest(store, 'patient-api', '1.1.0'), m)
  assert.ok((await fetchRelease(store, 'patient-api', '1.1.0')).equals(p.gz))
})

test('a manifest naming other bytes than those stored: refused, to be repaired by hand', async () => {
  const p = await packed('console.log("1.2.0")\n')
  await put('releases/patient-api/1.2.0.tgz', p.gz)
  const wrong = manifestOf('patient-api', '1.2.0', { ...p, sha256: 'f'.repeat(64) })
  await put('releases/patient-api/1.2.0.json', JSON.stringify(wrong))
  assert.is(
    await refusal(publishRelease(store, p, manifestOf('patient-api', '1.2.0', p))),
    `conflict: patient-api 1.2.0: s3://drsignet-staging-artifacts/releases/patient-api/1.2.0.json names sha256 ${'f'.repeat(64)}, the stored bytes are ${p.sha256}; repair it by hand`,
  )
  assert.is(
    await refusal(fetchRelease(store, 'patient-api', '1.2.0')),
    `release patient-api 1.2.0 at s3://drsignet-staging-artifacts/releases/patient-api/1.2.0.tgz is refused: its bytes have sha256 ${p.sha256}, the manifest says ${'f'.repeat(64)}`,
  )
})

test("a release whose manifest is another app's is refused", async () => {
  const p = await packed('console.log("doctor")\n')
  await put('releases/doctor-api/2.0.0.tgz', p.gz)
  await put('releases/doctor-api/2.0.0.json', JSON.stringify(manifestOf('admin-portal', '2.0.0', p)))
  assert.is(
    await refusal(fetchRelease(store, 'doctor-api', '2.0.0')),
    'release doctor-api 2.0.0 at s3://drsignet-staging-artifacts/releases/doctor-api/2.0.0.tgz is refused: its manifest is for admin-portal 2.0.0',
  )
})

test('a version never published: no manifest to find, and apply is told to publish it', async () => {
  assert.is(await findManifest(store, 'patient-api', '9.9.9'), undefined)
  assert.is(
    await refusal(fetchRelease(store, 'patient-api', '9.9.9')),
    "no release patient-api 9.9.9: s3://drsignet-staging-artifacts/releases/patient-api/9.9.9.tgz does not exist; publish it with ops release (the app's CI does)",
  )
})

test('a manifest that is not JSON, or has no sha256, names its place and the fix', async () => {
  await put('releases/admin-portal/3.0.0.json', 'not json')
  await put('releases/admin-portal/3.0.1.json', '{"app":"admin-portal"}')
  assert.is(
    await refusal(findManifest(store, 'admin-portal', '3.0.0')),
    's3://drsignet-staging-artifacts/releases/admin-portal/3.0.0.json is not JSON: publish the release again with ops release',
  )
  assert.is(
    await refusal(findManifest(store, 'admin-portal', '3.0.1')),
    's3://drsignet-staging-artifacts/releases/admin-portal/3.0.1.json has no sha256: publish the release again with ops release',
  )
})

test.run()
