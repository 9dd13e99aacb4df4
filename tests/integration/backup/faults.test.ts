// Faults with real services: S3 failing mid-upload, MongoDB dropped mid-stream, corrupted archives, prune when all expired.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { Binary, MongoClient, type Document } from 'mongodb'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { runMongoTool } from '../../harness/mongo-tools.ts'
import { s3BackupStore } from '../../../scripts/lib/aws/backup-store.ts'
import { runBackup } from '../../../scripts/lib/backup/run-backup.ts'
import { mongoSource } from '../../../scripts/lib/mongo/source.ts'
import { memoryHeartbeat } from '../../backup/fakes.ts'
import { seed } from './dataset.ts'
import { databaseNames } from './fingerprint.ts'
import { startCutProxy } from './cut-proxy.ts'
import { ENV, ops, startWorld, type World } from './setup.ts'

let world: World
let src: Ferret
let big: Ferret
const DAY = 86_400_000

const keys = async () =>
  ((await world.s3.send(new ListObjectsV2Command({ Bucket: world.policy.bucket }))).Contents ?? [])
    .map((o) => o.Key!)
    .sort()
const multiparts = async () =>
  (await world.s3.send(new ListMultipartUploadsCommand({ Bucket: world.policy.bucket }))).Uploads ?? []

/** ~11 MB of incompressible documents, so an upload needs several 5 MB parts. */
async function seedBlobs(uri: string) {
  const c = await MongoClient.connect(uri)
  try {
    await c
      .db('drsignet')
      .collection('blobs')
      .insertMany(
        Array.from({ length: 110 }, (_, i) => ({ _id: i, data: new Binary(randomBytes(100_000)) })) as Document[],
      )
  } finally {
    await c.close()
  }
}

test.before(async () => {
  ;[world, src, big] = await Promise.all([startWorld(), startFerret(), startFerret()])
  await Promise.all([seed(src.uri, 50), seedBlobs(big.uri)])
})
test.after(async () => {
  await Promise.all([world?.moto.stop(), src?.stop(), big?.stop()])
})

test('prune when every backup has expired: a dry run first, then only the newest good backup survives', async () => {
  const client = await MongoClient.connect(src.uri)
  try {
    const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
    const made = []
    // At noon UTC, so the orphan below (the same day at 23:00) is always the newest, whatever the hour the test runs.
    const noon = new Date()
    noon.setUTCHours(12, 0, 0, 0)
    for (const age of [40, 30, 20])
      made.push(
        await runBackup(ENV, world.policy, {
          source: mongoSource(client),
          store,
          heartbeat: memoryHeartbeat(),
          now: () => new Date(noon.getTime() - age * DAY),
          progress: () => {},
        }),
      )
    // a newer failed backup: an archive without a manifest never counts as the newest good one
    const orphan = made[2].key.replace(/\d{8}T\d{6}Z/, (s) => s.replace(/T\d{2}/, 'T23'))
    await world.s3.send(new PutObjectCommand({ Bucket: world.policy.bucket, Key: orphan, Body: 'partial' }))
    const before = await keys()
    const dry = await ops(['prune', ENV], {})
    assert.is(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /3 of 4 backups would be deleted; pass --apply/)
    assert.equal(await keys(), before)
    const r = await ops(['prune', ENV, '--apply'], {})
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /keep {2}\S+ {2}\(newest good backup\)/)
    assert.equal(await keys(), [made[2].key.replace('.archive.gz', '.manifest.json'), made[2].key].sort())
    await store.delete(await keys())
  } finally {
    await client.close()
  }
})

test('S3 failing mid-upload: no manifest, nothing reported good, the multipart upload aborted', async () => {
  const s3 = new S3Client({ region: world.region, forcePathStyle: true })
  let parts = 0
  s3.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'UploadPartCommand' && ++parts === 2)
        throw new Error('injected: connection reset during UploadPart 2')
      return next(args)
    },
    { step: 'initialize', name: 'failSecondPart' },
  )
  const client = await MongoClient.connect(big.uri)
  const heartbeat = memoryHeartbeat()
  try {
    const store = s3BackupStore(s3, world.policy.bucket, world.policy.kmsKey, { partSize: 5 * 1024 * 1024 })
    await runBackup(ENV, world.policy, { source: mongoSource(client), store, heartbeat, progress: () => {} })
    assert.unreachable('the backup reported success')
  } catch (e) {
    assert.match(
      (e as Error).message,
      /^uploading s3:\/\/\S+\.archive\.gz failed: injected: connection reset during UploadPart 2/,
    )
  } finally {
    await client.close()
  }
  assert.ok(parts >= 2)
  assert.equal(heartbeat.beats, [])
  assert.equal(await keys(), [])
  assert.equal(await multiparts(), [])
})

test('MongoDB dropped mid-stream: a clear error, exit 1, no manifest, no credentials in the output', async () => {
  const proxy = await startCutProxy(big.port, 1_000_000)
  try {
    const r = await ops(['backup', ENV], { MONGODB_URI: proxy.uri })
    assert.ok(proxy.cut(), 'the proxy never cut the connection')
    assert.is(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /backup staging failed: reading the database failed: .*(closed|ECONNRESET|network)/i)
    assert.match(r.stderr, /no manifest was written, so this is not a backup/)
    assert.equal(
      (await keys()).filter((k) => k.endsWith('.manifest.json') || k.endsWith('heartbeat.json')),
      [],
    )
    assert.equal(await multiparts(), [])
    // With credentials in the URI and the server gone, the error names neither.
    const uri = proxy.uri.replace('mongodb://', 'mongodb://backup:hunter2@')
    const bad = await ops(['backup', ENV], { MONGODB_URI: uri })
    assert.is(bad.code, 1)
    assert.match(bad.stderr, /backup staging failed: cannot connect to MongoDB/)
    assert.not.match(bad.stdout + bad.stderr, /hunter2/)
  } finally {
    await proxy.stop()
  }
})

test('MongoDB hanging mid-restore (connection open, no reply): the restore fails within the socket bound', async () => {
  const client = await MongoClient.connect(big.uri)
  const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
  const m = await runBackup(ENV, world.policy, {
    source: mongoSource(client),
    store,
    heartbeat: memoryHeartbeat(),
    progress: () => {},
  }).finally(() => client.close())
  const dst = await startFerret()
  const proxy = await startCutProxy(dst.port, 3_000_000, 'freeze')
  const started = Date.now()
  try {
    // The URI's socketTimeoutMS wins over the 30 min default, so the bound is seconds here.
    const r = await ops(['restore', ENV, '--from', m.key, '--to', `${proxy.uri}&socketTimeoutMS=3000`], {})
    const seconds = (Date.now() - started) / 1000
    assert.ok(proxy.cut(), 'the proxy never froze')
    assert.is(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /^restore staging failed: .*timed out/im)
    assert.ok(seconds < 30, `took ${seconds} s`)
  } finally {
    await proxy.stop()
    await dst.stop()
  }
})

test('a corrupted backup in S3: restore refuses before writing anything', async () => {
  const ok = await ops(['backup', ENV], { MONGODB_URI: src.uri })
  assert.is(ok.code, 0, ok.stderr)
  const key = /s3:\/\/[^/]+\/(\S+\.archive\.gz)/.exec(ok.stdout)![1]
  const body = Buffer.from(
    await (
      await world.s3.send(new GetObjectCommand({ Bucket: world.policy.bucket, Key: key }))
    ).Body!.transformToByteArray(),
  )
  body[body.length >> 1] ^= 0xff
  await world.s3.send(new PutObjectCommand({ Bucket: world.policy.bucket, Key: key, Body: body }))
  const dst = await startFerret()
  try {
    const r = await ops(['restore', ENV, '--from', 'latest', '--to', dst.uri], {})
    assert.is(r.code, 1, r.stdout)
    assert.match(
      r.stderr,
      /checksum mismatch for s3:\/\/\S+: sha256 [0-9a-f]{64} .* refusing to restore, nothing was written/,
    )
    const v = await ops(['verify', ENV, '--to', dst.uri], {})
    assert.is(v.code, 1)
    assert.match(v.stderr, /verify staging FAILED: checksum mismatch/)
    assert.equal(await databaseNames(dst.uri), [])
  } finally {
    await dst.stop()
  }
})

test('a corrupted mongodump archive file: restore refuses on the CRC before writing anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'corrupt-'))
  const file = join(dir, 'dump.archive')
  assert.is((await runMongoTool('mongodump', ['--uri', src.uri, '--db', 'drsignet', `--archive=${file}`])).code, 0)
  const bytes = readFileSync(file)
  const at = bytes.lastIndexOf(Buffer.from('MRN-00000049'))
  bytes[at + 4] = 'X'.charCodeAt(0)
  writeFileSync(file, bytes)
  const dst = await startFerret()
  try {
    const r = await ops(['restore', ENV, '--from', file, '--to', dst.uri], {})
    assert.is(r.code, 1, r.stdout)
    rmSync(dir, { recursive: true, force: true })
    assert.match(
      r.stderr,
      /is not a sound archive: archive is corrupt: CRC mismatch for drsignet\.(patients|appointments) .* refusing to restore, nothing was written/,
    )
    assert.equal(await databaseNames(dst.uri), [])
  } finally {
    await dst.stop()
  }
})

test('a frozen S3 endpoint (accepts, never answers): the backup fails within the stall bound, no manifest', async () => {
  // A listener that takes every connection and says nothing: the stall S3 never reports itself.
  const held = new Set<Socket>()
  const frozen = createServer((sock) => {
    held.add(sock)
    sock.on('error', () => {})
  })
  await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', r))
  const { port } = frozen.address() as AddressInfo
  const before = await keys()
  const started = Date.now()
  try {
    const r = await ops(['backup', ENV], {
      MONGODB_URI: src.uri,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      BACKUP_STALL_SECONDS: '3',
    })
    const seconds = (Date.now() - started) / 1000
    assert.is(r.code, 1, r.stdout)
    assert.match(
      r.stderr,
      /^backup staging failed: uploading s3:\/\/\S+\.archive\.gz failed: no byte moved to s3:\/\/\S+ for 3 s \(the endpoint accepts but does not answer\); the upload was aborted; no manifest was written, so this is not a backup$/m,
    )
    assert.ok(seconds < 20, `took ${seconds} s`)
    assert.ok(held.size >= 1, 'the endpoint was reached')
  } finally {
    for (const sock of held) sock.destroy()
    await new Promise((r) => frozen.close(r))
  }
  assert.equal(await keys(), before, 'nothing reached the real bucket either')
})

test.run()
