// Checks the environment's database CA in the secrets bucket: made once by the first host (key first, SSE-KMS, PEM),
// read back by every later one, one CA when two hosts race, a refusal when half a pair or a mismatched pair is there
// (moto on loopback; spawns openssl).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { loadOrCreateCa, type CaLocation } from '../../scripts/lib/tls/ca-store.ts'
import { createCa, type KeyAndCert } from '../../scripts/lib/tls/certificates.ts'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'

const REGION = 'ap-south-1'
const BUCKET = 'drsignet-secrets'
let moto: Moto
let s3: S3Client
const at = (prefix: string): CaLocation => ({ bucket: BUCKET, kmsKey: 'alias/drsignet-staging', prefix })

const object = async (key: string) => {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
  return { body: await got.Body!.transformToString(), type: head.ContentType, sse: head.ServerSideEncryption }
}
const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))
/** createCa, counting its calls. */
function maker(name = 'drsignet-staging-mongodb-ca') {
  const made: KeyAndCert[] = []
  return {
    made,
    create: async () => {
      const ca = await createCa(name)
      made.push(ca)
      return ca
    },
  }
}
const pairs = (ca: KeyAndCert) => new X509Certificate(ca.cert).checkPrivateKey(createPrivateKey(ca.key))

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(REGION, [BUCKET]))
})
test.after(async () => {
  await moto?.stop()
})

test('the first host makes the CA and keeps key and certificate under the prefix, PEM, SSE-KMS', async () => {
  const m = maker()
  const r = await loadOrCreateCa(s3, at('secrets/staging'), m.create)
  assert.is(r.created, true)
  assert.is(m.made.length, 1)
  assert.equal(r.ca, m.made[0])
  assert.equal(await object('secrets/staging/mongo-tls/ca.key'), {
    body: r.ca.key,
    type: 'application/x-pem-file',
    sse: 'aws:kms',
  })
  assert.equal(await object('secrets/staging/mongo-tls/ca.pem'), {
    body: r.ca.cert,
    type: 'application/x-pem-file',
    sse: 'aws:kms',
  })
})

test('every later host reads the same CA back and makes none', async () => {
  const first = await loadOrCreateCa(s3, at('secrets/staging'), maker().create)
  const m = maker()
  assert.equal(await loadOrCreateCa(s3, at('secrets/staging'), m.create), { ca: first.ca, created: false })
  assert.is(m.made.length, 0)
})

test('each environment’s prefix has its own CA', async () => {
  const staging = await loadOrCreateCa(s3, at('secrets/staging'), maker().create)
  const production = await loadOrCreateCa(s3, at('secrets/production'), maker('drsignet-production-mongodb-ca').create)
  assert.is(production.created, true)
  assert.is.not(production.ca.cert, staging.ca.cert)
  assert.is(new X509Certificate(production.ca.cert).subject, 'CN=drsignet-production-mongodb-ca')
})

test('two hosts racing end with one CA: both get the stored one, a key and certificate that belong together', async () => {
  const [a, b] = [maker(), maker()]
  const [ra, rb] = await Promise.all([
    loadOrCreateCa(s3, at('secrets/race'), a.create),
    loadOrCreateCa(s3, at('secrets/race'), b.create),
  ])
  assert.equal(ra.ca, rb.ca)
  assert.equal([ra.created, rb.created].sort(), [false, true])
  assert.equal((await object('secrets/race/mongo-tls/ca.pem')).body, ra.ca.cert)
  assert.equal((await object('secrets/race/mongo-tls/ca.key')).body, ra.ca.key)
  assert.ok(pairs(ra.ca), 'the key does not match the certificate')
})

const refusal = (prefix: string, create: () => Promise<KeyAndCert>) =>
  loadOrCreateCa(s3, at(prefix), create, { tries: 2, delayMs: 10 }).then(
    () => 'passed',
    (e: Error) => e.message,
  )

test('half a pair, key or certificate alone (a host stopped between its two writes), is refused and left as it is', async () => {
  await put('secrets/half/mongo-tls/ca.key', 'the key of a CA whose certificate never landed\n')
  const m = maker()
  assert.is(
    await refusal('secrets/half', m.create),
    `s3://${BUCKET}/secrets/half/mongo-tls/ca.key is there without s3://${BUCKET}/secrets/half/mongo-tls/ca.pem: the database CA is incomplete; delete both objects and deploy again`,
  )
  assert.is((await object('secrets/half/mongo-tls/ca.key')).body, 'the key of a CA whose certificate never landed\n')
  const old = await createCa('an old CA')
  await put('secrets/cert-only/mongo-tls/ca.pem', old.cert)
  assert.is(
    await refusal('secrets/cert-only', m.create),
    `s3://${BUCKET}/secrets/cert-only/mongo-tls/ca.pem is there without s3://${BUCKET}/secrets/cert-only/mongo-tls/ca.key: the database CA is incomplete; delete both objects and deploy again`,
  )
  assert.is((await object('secrets/cert-only/mongo-tls/ca.pem')).body, old.cert)
  assert.is(m.made.length, 0, 'no CA was made over half a pair')
})

test('a key and certificate that do not belong together are refused, not handed out to sign with', async () => {
  const [a, b] = [await createCa('a'), await createCa('b')]
  await put('secrets/mixed/mongo-tls/ca.key', a.key)
  await put('secrets/mixed/mongo-tls/ca.pem', b.cert)
  assert.is(
    await refusal('secrets/mixed', maker().create),
    `s3://${BUCKET}/secrets/mixed/mongo-tls/ca.key is not the key of s3://${BUCKET}/secrets/mixed/mongo-tls/ca.pem: delete both objects and deploy again`,
  )
})

test('the other half landing while a host waits is read as the whole pair', async () => {
  const ca = await createCa('drsignet-staging-mongodb-ca')
  await put('secrets/late/mongo-tls/ca.key', ca.key)
  const m = maker()
  const reading = loadOrCreateCa(s3, at('secrets/late'), m.create, { tries: 20, delayMs: 50 })
  await new Promise((resolve) => setTimeout(resolve, 100))
  await put('secrets/late/mongo-tls/ca.pem', ca.cert)
  assert.equal(await reading, { ca, created: false })
  assert.is(m.made.length, 0)
})

test.run()
