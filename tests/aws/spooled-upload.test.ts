// The spooled upload against moto: bytes land exactly, in parts or as one object, the spool holds at most
// queueSize + 1 parts and is gone after, a dropped part is sent again from its file, failures and stalls abort it
// (I/O: moto, a spool folder, a silent loopback listener).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3'
import { spooledUpload, UploadStalled, type SpooledUploadOptions } from '../../scripts/lib/aws/spooled-upload.ts'
import { motoS3, motoWithBuckets, objectBytes, type Moto } from '../harness/moto.ts'

const REGION = 'eu-west-1'
const BUCKET = 'spool-test'
const MiB = 1024 * 1024
let moto: Moto
let s3: S3Client
let spool: string

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(REGION, [BUCKET]))
  spool = mkdtempSync(join(tmpdir(), 'spool-test-'))
})
test.after(async () => {
  rmSync(spool, { recursive: true, force: true })
  await moto?.stop()
})

/** The bytes in chunks of an odd size, so part boundaries fall inside chunks. */
const chunked = (data: Buffer, size = 100_003) =>
  Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size)
    })(),
  )
const options = (key: string, extra: Partial<SpooledUploadOptions> = {}): SpooledUploadOptions => ({
  bucket: BUCKET,
  key,
  kmsKey: 'alias/backups',
  partSize: 5 * MiB,
  queueSize: 2,
  spoolDir: spool,
  stallMs: 60_000,
  report: () => {},
  ...extra,
})
const etag = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag!
const pendingUploads = async () => (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []
/** The most part files the spool held at once while `run` ran (sampled every 5 ms). */
async function peakSpool(run: () => Promise<void>): Promise<number> {
  let peak = 0
  const files = () => readdirSync(spool, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length
  const timer = setInterval(() => (peak = Math.max(peak, files())), 5)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  return peak
}

test('22 MiB in 5 MiB parts: the object is byte for byte the body, the spool never held more than 3 parts', async () => {
  const data = randomBytes(22 * MiB + 12_345)
  const progress: number[] = []
  const peak = await peakSpool(() =>
    spooledUpload(s3, chunked(data), options('multi', { onProgress: (b) => progress.push(b) })),
  )
  assert.ok((await objectBytes(s3, BUCKET, 'multi')).equals(data))
  assert.match(await etag('multi'), /-5"$/, 'five parts')
  assert.ok(peak >= 1 && peak <= 3, `peak ${peak} part files`)
  assert.equal(readdirSync(spool), [], 'the spool folder is removed')
  assert.is(progress.at(-1), data.length)
})

test('a body of one part or less is one PutObject; an empty body an empty object', async () => {
  for (const [key, data] of [
    ['small', randomBytes(1 * MiB)],
    ['exact', randomBytes(5 * MiB)],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    await spooledUpload(s3, chunked(data), options(key))
    assert.ok((await objectBytes(s3, BUCKET, key)).equals(data), key)
    assert.not.match(await etag(key), /-\d+"$/, `${key}: not multipart`)
  }
  assert.equal(readdirSync(spool), [])
})

test('a part whose answer was lost is sent again from its file, whole', async () => {
  const data = randomBytes(12 * MiB)
  const lines: string[] = []
  let dropped = 0
  const flaky = motoS3(moto, REGION)
  // After S3 has read part 2 and answered, the answer is "lost": the body stream is spent, so a resend that reused it
  // would send nothing.
  flaky.middlewareStack.add(
    (next, ctx) => async (args) => {
      const out = await next(args)
      if (ctx.commandName === 'UploadPartCommand' && (args.input as { PartNumber?: number }).PartNumber === 2)
        if (!dropped++) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
      return out
    },
    { step: 'deserialize', name: 'dropSecondPartAnswer' },
  )
  await spooledUpload(flaky, chunked(data), options('retried', { report: (l) => lines.push(l) }))
  assert.is(dropped, 2, 'part 2 was sent twice')
  assert.equal(lines, ['retrying S3 UploadPart 2 (2/4) after ECONNRESET'])
  assert.ok((await objectBytes(s3, BUCKET, 'retried')).equals(data))
})

test('a part S3 refuses: the upload rejects, the parts sent are aborted, the spool is removed', async () => {
  const refusing = motoS3(moto, REGION)
  refusing.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'UploadPartCommand' && (args.input as { PartNumber?: number }).PartNumber === 3)
        throw new Error('injected: AccessDenied on part 3')
      return next(args)
    },
    { step: 'initialize', name: 'refuseThirdPart' },
  )
  const body = chunked(randomBytes(22 * MiB))
  try {
    await spooledUpload(refusing, body, options('refused'))
    assert.unreachable('the upload succeeded')
  } catch (e) {
    assert.is((e as Error).message, 'injected: AccessDenied on part 3')
  }
  assert.ok(body.destroyed, 'the body is no longer read')
  assert.equal(await pendingUploads(), [])
  assert.equal(readdirSync(spool), [])
})

test('a body that fails mid-stream: the upload rejects with its error and aborts what it had sent', async () => {
  const data = randomBytes(11 * MiB)
  const failing = Readable.from(
    (async function* () {
      yield* chunked(data)
      throw new Error('the database went away')
    })(),
  )
  try {
    await spooledUpload(s3, failing, options('broken'))
    assert.unreachable('the upload succeeded')
  } catch (e) {
    assert.is((e as Error).message, 'the database went away')
  }
  assert.equal(await pendingUploads(), [])
  assert.equal(readdirSync(spool), [])
})

test('an endpoint that accepts and never answers: UploadStalled within the bound, spool removed', async () => {
  const held = new Set<Socket>()
  const frozen = createServer((sock) => (held.add(sock), sock.on('error', () => {})))
  await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', r))
  const { port } = frozen.address() as AddressInfo
  const silent = motoS3({ ...moto, endpoint: `http://127.0.0.1:${port}` }, REGION)
  const started = Date.now()
  try {
    await spooledUpload(silent, chunked(randomBytes(12 * MiB)), options('frozen', { stallMs: 1000 }))
    assert.unreachable('the upload succeeded')
  } catch (e) {
    assert.instance(e, UploadStalled)
    assert.match((e as Error).message, /^no byte moved to s3:\/\/spool-test\/frozen for 1 s/)
  } finally {
    for (const sock of held) sock.destroy()
    frozen.close()
  }
  const seconds = (Date.now() - started) / 1000
  assert.ok(seconds < 10, `took ${seconds} s`)
  assert.ok(held.size >= 1, 'the endpoint was reached')
  assert.equal(readdirSync(spool), [])
})

test.run()
