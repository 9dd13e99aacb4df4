// Checks the archive I/O: manifests read as sound, missing or unreadable, the newest good backup found, downloads
// hashed byte for byte, and archive files opened gunzipped or as they are (moto on loopback; temp files).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { S3Client } from '@aws-sdk/client-s3'
import { s3BackupStore, type BackupStore } from '../../scripts/lib/aws/backup-store.ts'
import {
  downloadToFile,
  findLatestGood,
  looksLikeArchiveKey,
  openArchiveFile,
  readManifest,
  sha256File,
} from '../../scripts/lib/backup/archive-io.ts'
import { manifestKeyFor, type Manifest } from '../../scripts/lib/backup/manifest.ts'
import { type Moto, motoWithBuckets, objectBytes, putObject } from '../harness/moto.ts'
import { backupAt as backupOf, doc } from './fakes.ts'

const REGION = 'eu-west-3'
const BUCKET = 'drsignet-archive-io'
const dir = mkdtempSync(join(tmpdir(), 'archive-io-'))
let moto: Moto
let s3: S3Client
let store: BackupStore

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** A real backup of `env` taken at `at`, written through the store: its archive and manifest. */
const backupAt = (env: string, at: string, patients = 3) =>
  backupOf(store, env, at, {
    'clinic.patients': Array.from({ length: patients }, (_, i) => doc({ _id: i, mrn: `MRN-${i}` })),
  })

const put = (key: string, body: string | Buffer) => putObject(s3, BUCKET, key, body)
const object = (key: string) => objectBytes(s3, BUCKET, key)

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(REGION, [BUCKET]))
  store = s3BackupStore(s3, BUCKET, 'alias/drsignet-staging')
})
test.after(async () => {
  await moto?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('a backup’s manifest reads back as written; an archive without one reads as missing', async () => {
  const m = await backupAt('staging', '2026-03-01T02:00:00Z')
  assert.is(m.key, 'backups/staging/2026/03/01/20260301T020000Z.archive.gz')
  assert.equal(await readManifest(store, m.key), m)
  await put('backups/staging/2026/03/01/20260301T030000Z.archive.gz', await object(m.key))
  assert.is(await readManifest(store, 'backups/staging/2026/03/01/20260301T030000Z.archive.gz'), 'missing')
})

test('a manifest that is not JSON, describes another archive or has no sha256 reads as unreadable', async () => {
  const m = await backupAt('unreadable', '2026-03-02T02:00:00Z')
  const cases: [string, string][] = [
    ['not JSON', '{"format": "drsignet-backup/1", '],
    ['another archive', JSON.stringify({ ...m, key: 'backups/unreadable/2026/03/01/20260301T020000Z.archive.gz' })],
    ['no sha256', JSON.stringify({ ...m, sha256: undefined })],
    ['another format', JSON.stringify({ ...m, format: 'drsignet-backup/2' })],
    ['not an object', '"drsignet-backup/1"'],
  ]
  for (const [what, body] of cases) {
    await put(manifestKeyFor(m.key), body)
    assert.is(await readManifest(store, m.key), 'unreadable', what)
  }
})

test('the newest good backup: newer archives without a sound manifest and other environments are passed over', async () => {
  const older = await backupAt('production', '2026-04-01T02:00:00Z')
  const good = await backupAt('production', '2026-04-02T02:00:00Z', 5)
  const broken = await backupAt('production', '2026-04-03T02:00:00Z')
  await put(manifestKeyFor(broken.key), JSON.stringify({ ...broken, key: older.key }))
  // A backup that failed before its manifest, and a manifest whose archive is gone.
  await put('backups/production/2026/04/04/20260404T020000Z.archive.gz', await object(good.key))
  await put('backups/production/2026/04/05/20260405T020000Z.manifest.json', JSON.stringify(good))
  await backupAt('production-eu', '2026-04-06T02:00:00Z')

  const latest = await findLatestGood(store, 'backups/production/')
  assert.equal(latest, { key: 'backups/production/2026/04/02/20260402T020000Z.archive.gz', manifest: good })
  assert.is(latest!.manifest.documents, 5)
})

test('no good backup under the prefix: undefined', async () => {
  assert.is(await findLatestGood(store, 'backups/nowhere/'), undefined)
  await put('backups/failed-only/2026/04/01/20260401T020000Z.archive.gz', 'half an archive')
  assert.is(await findLatestGood(store, 'backups/failed-only/'), undefined)
})

test('a download lands byte for byte, with the sha256 and size the manifest recorded', async () => {
  const m = await backupAt('download', '2026-05-01T02:00:00Z', 200)
  const file = join(dir, 'download.archive.gz')
  const got = await downloadToFile(store, m.key, file)
  assert.equal(got, { sha256: m.sha256, bytes: m.compressedBytes })
  assert.ok(readFileSync(file).equals(await object(m.key)), 'the file differs from the object')
  assert.is(await sha256File(file), m.sha256)
})

test('downloading a key that is not there rejects with NoSuchKey and leaves no file', async () => {
  const file = join(dir, 'absent.archive.gz')
  const e = await downloadToFile(store, 'backups/download/absent.archive.gz', file).then(
    () => undefined,
    (e: Error) => e,
  )
  assert.is(e?.name, 'NoSuchKey')
  assert.not.ok(existsSync(file))
})

test('sha256File hashes the whole file, an empty one included', async () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'drsignet')
  writeFileSync(join(dir, 'big'), big)
  assert.is(await sha256File(join(dir, 'big')), sha256(big))
  writeFileSync(join(dir, 'empty'), '')
  assert.is(await sha256File(join(dir, 'empty')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})

test('a gzip file opens gunzipped; any other file opens as it is', async () => {
  const raw = Buffer.concat(Array.from({ length: 5000 }, (_, i) => doc({ _id: i, note: `visit ${i}` })))
  writeFileSync(join(dir, 'a.archive.gz'), gzipSync(raw))
  assert.ok((await collect(openArchiveFile(join(dir, 'a.archive.gz')))).equals(raw), 'gunzipped bytes differ')
  writeFileSync(join(dir, 'a.archive'), raw)
  assert.ok((await collect(openArchiveFile(join(dir, 'a.archive')))).equals(raw), 'plain bytes differ')
  // The gzip magic is two bytes: 0x1f alone, or a one-byte file, is not gzip.
  for (const bytes of [Buffer.from([0x1f, 0x00, 0x8b]), Buffer.from([0x1f]), Buffer.alloc(0)]) {
    writeFileSync(join(dir, 'odd'), bytes)
    assert.equal([...(await collect(openArchiveFile(join(dir, 'odd'))))], [...bytes])
  }
})

test('a truncated gzip file fails while reading, not silently short', async () => {
  const gz = gzipSync(Buffer.alloc(100_000, 'x'))
  writeFileSync(join(dir, 'cut.archive.gz'), gz.subarray(0, gz.length - 20))
  const e = await collect(openArchiveFile(join(dir, 'cut.archive.gz'))).then(
    () => undefined,
    (e: Error) => e,
  )
  assert.is(e?.message, 'unexpected end of file')
})

test('archive keys end in .archive or .archive.gz; manifests and other files are not archives', () => {
  const keys = [
    'backups/staging/2026/03/01/20260301T020000Z.archive.gz',
    'backups/staging/2026/03/01/20260301T020000Z.archive',
    'backups/staging/2026/03/01/20260301T020000Z.manifest.json',
    'backups/staging/heartbeat.json',
    'backups/staging/2026/03/01/20260301T020000Z.archive.gz.part',
  ]
  assert.equal(
    keys.map((k) => looksLikeArchiveKey(k)),
    [true, true, false, false, false],
  )
})

test.run()
