// The environment lock as one S3 object written with If-None-Match against moto's S3: taken once, held, read, cleared,
// refused on a missing bucket; a 409 in flight is scripted, since moto never answers one (moto on loopback; a scripted client).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'
import { lockKey, MissingBucketError, s3EnvLock, type LockRecord } from '../../scripts/lib/aws/env-lock.ts'

const region = 'ap-south-1'
const bucket = 'drsignet-staging-artifacts'
const kms = 'alias/drsignet-staging'
let moto: Moto
let s3: S3Client

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(region, [bucket]))
})
test.after(async () => {
  await moto?.stop()
})

const record = (holder: string, token: string): LockRecord => ({
  holder,
  commit: 'c0ffee0',
  acquiredAt: '2026-12-01T10:00:00.000Z',
  ttlSeconds: 1800,
  token,
})

test('one lock per environment, in its artifacts bucket', () => {
  assert.is(lockKey('staging'), 'locks/staging.json')
  assert.is(s3EnvLock(s3, bucket, lockKey('staging'), kms).where, 's3://drsignet-staging-artifacts/locks/staging.json')
})

test('the first taker gets the lock; the second is told who holds it, and the lock stays the first one', async () => {
  const lock = s3EnvLock(s3, bucket, lockKey('staging'), kms)
  assert.is(await lock.read(), undefined)
  assert.equal(await lock.tryAcquire(record('ci-run-1', 't1')), { acquired: true })
  assert.equal(await lock.tryAcquire(record('ci-run-2', 't2')), { acquired: false, held: record('ci-run-1', 't1') })
  assert.equal(await lock.read(), record('ci-run-1', 't1'))
  // Another environment's lock is another object.
  assert.equal(await s3EnvLock(s3, bucket, lockKey('production'), kms).tryAcquire(record('ci-run-3', 't3')), {
    acquired: true,
  })
})

test('the lock object is readable JSON, encrypted with the KMS key', async () => {
  const key = lockKey('staging')
  const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()
  assert.is(body, JSON.stringify(record('ci-run-1', 't1'), null, 2) + '\n')
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
  assert.equal(
    { sse: h.ServerSideEncryption, key: h.SSEKMSKeyId, type: h.ContentType },
    { sse: 'aws:kms', key: kms, type: 'application/json' },
  )
})

test('clear removes the lock whoever holds it, after which it can be taken again; clearing nothing is no error', async () => {
  const lock = s3EnvLock(s3, bucket, lockKey('staging'), kms)
  await lock.clear()
  assert.is(await lock.read(), undefined)
  await lock.clear()
  assert.equal(await lock.tryAcquire(record('ci-run-2', 't2')), { acquired: true })
  assert.equal(await lock.read(), record('ci-run-2', 't2'))
})

test('a bucket that does not exist is its own error, naming the bucket', async () => {
  const lock = s3EnvLock(s3, 'drsignet-nowhere-artifacts', lockKey('staging'), kms)
  const e = await lock.tryAcquire(record('ci-run-1', 't1')).catch((x: Error) => x)
  assert.instance(e, MissingBucketError)
  assert.is((e as Error).message, 'bucket drsignet-nowhere-artifacts does not exist')
  const read = await lock.read().catch((x: Error) => x)
  assert.instance(read, MissingBucketError, 'reading the lock of a missing bucket is not "no lock"')
})

test('a 409 (a concurrent conditional write in flight) is a lock not acquired, with whoever then holds it', async () => {
  const conflict = Object.assign(new Error('A conflicting conditional operation is in progress'), {
    name: 'ConditionalRequestConflict',
    $metadata: { httpStatusCode: 409 },
  })
  const sent: string[] = []
  const client = {
    send: async (c: { constructor: { name: string } }) => {
      sent.push(c.constructor.name)
      if (c.constructor.name === 'PutObjectCommand') throw conflict
      return { Body: { transformToString: async () => JSON.stringify(record('ci-run-9', 't9')) } }
    },
  } as unknown as S3Client
  const lock = s3EnvLock(client, bucket, lockKey('staging'), kms)
  assert.equal(await lock.tryAcquire(record('ci-run-1', 't1')), { acquired: false, held: record('ci-run-9', 't9') })
  assert.equal(sent, ['PutObjectCommand', 'GetObjectCommand'])
})

test.run()
