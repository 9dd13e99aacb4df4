// The artifacts-bucket store against moto's S3: SSE-KMS writes, write-once create, reads of absent keys, sorted paginated
// listings; a conflicting in-flight write (409) is scripted, since moto never answers one (moto on loopback; a scripted client).
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'
import { s3ArtifactStore } from '../../scripts/lib/aws/artifact-store.ts'

const region = 'ap-south-1'
const bucket = 'drsignet-staging-artifacts'
const versioned = 'drsignet-staging-versioned'
const kms = 'alias/drsignet-staging'
let moto: Moto
let s3: S3Client

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(region, [bucket, versioned]))
  await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }))
})
test.after(async () => {
  await moto?.stop()
})

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: Error) => `${e.name}: ${e.message}`,
  )

test('put stores the bytes encrypted with the KMS key and its content type; head and put give the same bare ETag', async () => {
  const store = s3ArtifactStore(s3, bucket, kms)
  const put = await store.put('bundles/patient-api/1.14.2.tgz', Buffer.from('the bundle'), 'application/gzip')
  // moto's ETag is the MD5 of the bytes, as S3's is for a single-part upload; without S3's quotes.
  assert.equal(put, { eTag: createHash('md5').update('the bundle').digest('hex'), versionId: undefined })
  assert.equal(await store.head('bundles/patient-api/1.14.2.tgz'), put)
  assert.is((await store.get('bundles/patient-api/1.14.2.tgz'))!.toString(), 'the bundle')
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bundles/patient-api/1.14.2.tgz' }))
  assert.equal(
    { sse: h.ServerSideEncryption, key: h.SSEKMSKeyId, type: h.ContentType },
    { sse: 'aws:kms', key: kms, type: 'application/gzip' },
  )
})

test('in a versioned bucket put and head name the same version', async () => {
  const store = s3ArtifactStore(s3, versioned, kms)
  const first = await store.put('state/staging.json', '{"a":1}', 'application/json')
  const second = await store.put('state/staging.json', '{"a":2}', 'application/json')
  assert.ok(
    first.versionId && second.versionId && first.versionId !== second.versionId,
    JSON.stringify([first, second]),
  )
  assert.equal(await store.head('state/staging.json'), second)
  assert.is((await store.get('state/staging.json'))!.toString(), '{"a":2}')
})

test('create writes only where no object is: false for an existing key, whose bytes stay', async () => {
  const store = s3ArtifactStore(s3, bucket, kms)
  assert.is(await store.create('releases/doctor-api/1.0.0.tgz', 'first', 'application/gzip'), true)
  assert.is(await store.create('releases/doctor-api/1.0.0.tgz', 'second', 'application/gzip'), false)
  assert.is(await store.create('releases/doctor-api/1.0.0.tgz', 'first', 'application/gzip'), false)
  assert.is((await store.get('releases/doctor-api/1.0.0.tgz'))!.toString(), 'first')
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'releases/doctor-api/1.0.0.tgz' }))
  assert.equal({ sse: h.ServerSideEncryption, key: h.SSEKMSKeyId }, { sse: 'aws:kms', key: kms })
})

test('get and head of a key that does not exist: undefined, not an error', async () => {
  const store = s3ArtifactStore(s3, bucket, kms)
  assert.is(await store.get('no/such/key'), undefined)
  assert.is(await store.head('no/such/key'), undefined)
})

test("reading, writing or listing a bucket that does not exist fails with S3's own error, never reads as no object", async () => {
  const store = s3ArtifactStore(s3, 'drsignet-nowhere-artifacts', kms)
  assert.is(await failure(store.get('k')), 'NoSuchBucket: The specified bucket does not exist')
  assert.is(await failure(store.create('k', 'x', 'text/plain')), 'NoSuchBucket: The specified bucket does not exist')
  assert.is(await failure(store.put('k', 'x', 'text/plain')), 'NoSuchBucket: The specified bucket does not exist')
  assert.is(await failure(store.list('')), 'NoSuchBucket: The specified bucket does not exist')
})

test('list gives every key under the prefix, sorted, across pages of 1000', async () => {
  const store = s3ArtifactStore(s3, bucket, kms)
  const keys = Array.from({ length: 1003 }, (_, i) => `audit/2026/${String(1002 - i).padStart(4, '0')}.json`)
  for (let i = 0; i < keys.length; i += 50)
    await Promise.all(
      keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '{}' }))),
    )
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'audit/2025.json', Body: '{}' }))
  const listed = await store.list('audit/2026/')
  assert.is(listed.length, 1003)
  assert.equal(listed, [...keys].sort())
  assert.is(listed[0], 'audit/2026/0000.json')
  assert.equal(await store.list('audit/2027/'), [])
})

test('a 409 (another conditional write to the key in flight) is asked again until S3 says who won', async () => {
  const conflict = Object.assign(new Error('A conflicting conditional operation is in progress'), {
    name: 'ConditionalRequestConflict',
    $metadata: { httpStatusCode: 409 },
  })
  const precondition = Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
    name: 'PreconditionFailed',
    $metadata: { httpStatusCode: 412 },
  })
  const scripted = (answers: (Error | object)[]) => {
    const sent: string[] = []
    const client = {
      send: async (c: { constructor: { name: string }; input: { IfNoneMatch?: string } }) => {
        sent.push(`${c.constructor.name} ${c.input.IfNoneMatch}`)
        const a = answers.shift()!
        if (a instanceof Error) throw a
        return a
      },
    }
    return { sent, store: s3ArtifactStore(client as unknown as S3Client, bucket, kms) }
  }
  const lost = scripted([conflict, precondition])
  assert.is(await lost.store.create('locks/x', 'x', 'text/plain'), false)
  assert.equal(lost.sent, ['PutObjectCommand *', 'PutObjectCommand *'])
  const won = scripted([conflict, {}])
  assert.is(await won.store.create('locks/x', 'x', 'text/plain'), true)
  assert.is(won.sent.length, 2)
})

test.run()
