// Checks the secrets store of the database hosts: passwords made once and read back, the If-None-Match create that a
// second writer loses, writes only on change, SSE-KMS on every object (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { newPassword, secretsStore } from '../../scripts/lib/database/credentials.ts'
import { type Moto, motoWithBuckets } from '../harness/moto.ts'

const REGION = 'ap-south-1'
const BUCKET = 'drsignet-staging-secrets'
const KMS = 'alias/drsignet-staging'
let moto: Moto
let s3: S3Client
let store: ReturnType<typeof secretsStore>

const body = async (key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()
const head = async (key: string) => {
  const h = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
  return { contentType: h.ContentType, encryption: h.ServerSideEncryption }
}
const put = (key: string, text: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text }))

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(REGION, [BUCKET]))
  store = secretsStore(s3, { bucket: BUCKET, kmsKey: KMS })
})
test.after(async () => {
  await moto?.stop()
})

test('a new password is 32 random bytes in URL-safe base64: nothing a URI or a shell must quote', () => {
  const made = Array.from({ length: 50 }, newPassword)
  for (const p of made) {
    assert.match(p, /^[A-Za-z0-9_-]{43}$/)
    assert.is(Buffer.from(p, 'base64url').length, 32)
  }
  assert.is(new Set(made).size, 50)
})

test('read: the object’s text, or undefined when there is none', async () => {
  await put('secrets/staging/note', 'ünïcode text\n')
  assert.is(await store.read('secrets/staging/note'), 'ünïcode text\n')
  assert.is(await store.read('secrets/staging/absent'), undefined)
})

test('the first password is made and kept (SSE-KMS, with a newline); later asks read the same one back', async () => {
  const key = 'secrets/staging/database/users/patient-api'
  const first = await store.password(key)
  assert.is(first.created, true)
  assert.match(first.password, /^[A-Za-z0-9_-]{43}$/)
  assert.is(await body(key), `${first.password}\n`)
  assert.equal(await head(key), { contentType: 'text/plain', encryption: 'aws:kms' })
  assert.equal(await store.password(key), { password: first.password, created: false })
})

test('a password someone put there by hand is used, trimmed', async () => {
  const key = 'secrets/staging/database/users/backup'
  await put(key, '  set-by-hand \n\n')
  assert.equal(await store.password(key), { password: 'set-by-hand', created: false })
  assert.is(await body(key), '  set-by-hand \n\n')
})

test('two hosts asking at once end with one password: one made it, the other read it', async () => {
  const key = 'secrets/staging/database/users/admin'
  const [a, b] = await Promise.all([store.password(key), store.password(key)])
  assert.is(a.password, b.password)
  assert.equal([a.created, b.created].sort(), [false, true])
  assert.is(await body(key), `${a.password}\n`)
})

test('an empty object where the password belongs is refused with what to do', async () => {
  const key = 'secrets/staging/database/users/doctor-api'
  await put(key, ' \n')
  const e = await store.password(key).then(
    () => undefined,
    (e: Error) => e.message,
  )
  assert.is(e, `s3://${BUCKET}/${key} appeared while making it but is empty; delete it and deploy again`)
  assert.is(await body(key), ' \n')
})

test('createOnce writes only where nothing is, whatever is there, and keeps the first body', async () => {
  const key = 'secrets/staging/mongo-tls/ca.pem'
  assert.is(await store.createOnce(key, 'first', 'application/x-pem-file'), true)
  assert.is(await store.createOnce(key, 'second', 'application/x-pem-file'), false)
  assert.is(await store.createOnce(key, 'first', 'application/x-pem-file'), false)
  assert.is(await body(key), 'first')
  assert.equal(await head(key), { contentType: 'application/x-pem-file', encryption: 'aws:kms' })
  assert.is(await store.createOnce('secrets/staging/plain', 'x'), true)
  assert.is((await head('secrets/staging/plain')).contentType, 'text/plain')
})

test('write replaces the object only when its text differs, and says whether it wrote', async () => {
  const key = 'secrets/staging/database/clients/patient-api.env'
  assert.is(await store.write(key, 'MONGODB_URI=mongodb://a\n'), true)
  assert.is(await store.write(key, 'MONGODB_URI=mongodb://a\n'), false)
  assert.is(await store.write(key, 'MONGODB_URI=mongodb://b\n'), true)
  assert.is(await body(key), 'MONGODB_URI=mongodb://b\n')
  assert.equal(await head(key), { contentType: 'text/plain', encryption: 'aws:kms' })
})

test.run()
