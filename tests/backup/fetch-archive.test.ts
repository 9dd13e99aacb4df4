// Checks how --from is resolved and proved before a restore: a local file scanned, the newest good backup or a named
// key downloaded and checked against its manifest, each refusal with its message and no temp file left behind
// (moto on loopback; temp files).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { S3Client } from '@aws-sdk/client-s3'
import { s3BackupStore, type BackupStore } from '../../scripts/lib/aws/backup-store.ts'
import { fetchArchive, RestoreRefused, type FetchedArchive } from '../../scripts/lib/backup/fetch-archive.ts'
import { manifestKeyFor } from '../../scripts/lib/backup/manifest.ts'
import { type Moto, motoWithBuckets, objectBytes, putObject } from '../harness/moto.ts'
import { backupAt as backupOf, doc } from './fakes.ts'

const REGION = 'eu-west-3'
const BUCKET = 'drsignet-fetch-archive'
// fetchArchive makes its download folder under tmpdir(): a private one shows what it leaves behind.
const outer = tmpdir()
const work = mkdtempSync(join(outer, 'fetch-archive-'))
const temps = join(work, 'tmp')
const files = join(work, 'files')
for (const d of [temps, files]) mkdirSync(d)
process.env.TMPDIR = temps
let moto: Moto
let s3: S3Client
let store: BackupStore
const lines: string[] = []
const progress = (l: string) => void lines.push(l)

/** A real backup of `env` taken at `at`, written through the store: its archive and manifest. */
const backupAt = (env: string, at: string, docs = 4) =>
  backupOf(store, env, at, {
    'clinic.patients': Array.from({ length: docs }, (_, i) => doc({ _id: i, mrn: `MRN-${i}` })),
    'clinic.visits': [doc({ _id: 'v1', patient: 0 })],
  })
const put = (key: string, body: string | Buffer) => putObject(s3, BUCKET, key, body)
const object = (key: string) => objectBytes(s3, BUCKET, key)
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const refusal = (p: Promise<FetchedArchive>) =>
  p.then(
    (f) => (f.cleanup(), 'fetched'),
    (e: Error) => `${e instanceof RestoreRefused ? 'RestoreRefused' : e.name}: ${e.message}`,
  )
/** What a scan found, per namespace. */
const scanned = (f: FetchedArchive) =>
  f.scan && {
    documents: f.scan.documents,
    namespaces: f.scan.namespaces.map((n) => `${n.db}.${n.collection}:${n.count}`),
    mismatches: f.scan.mismatches,
  }

test.before(async () => {
  ;({ moto, s3 } = await motoWithBuckets(REGION, [BUCKET]))
  store = s3BackupStore(s3, BUCKET, 'alias/drsignet-staging')
})
test.after(async () => {
  await moto?.stop()
  process.env.TMPDIR = outer
  rmSync(work, { recursive: true, force: true })
})

test('latest: the newest good backup, downloaded and matching its manifest; cleanup removes the download', async () => {
  await backupAt('staging', '2026-06-01T02:00:00Z')
  const newest = await backupAt('staging', '2026-06-02T02:00:00Z', 9)
  await put('backups/staging/2026/06/03/20260603T020000Z.archive.gz', 'a backup that never finished')
  for (const from of [undefined, 'latest']) {
    const f = await fetchArchive(store, 'backups/staging/', from, {}, progress)
    assert.is(f.source, `s3://${BUCKET}/backups/staging/2026/06/02/20260602T020000Z.archive.gz`)
    assert.is(basename(f.file), '20260602T020000Z.archive.gz')
    assert.equal(f.manifest, newest)
    assert.is(f.scan, undefined)
    assert.is(sha256(readFileSync(f.file)), newest.sha256)
    assert.equal(readdirSync(temps), [basename(dirname(f.file))])
    f.cleanup()
    assert.equal(readdirSync(temps), [])
  }
  assert.equal(lines.splice(0), [])
})

test('a named key, bare or as an s3:// URL of this bucket, is proved against its own manifest', async () => {
  const m = await backupAt('named', '2026-06-04T02:00:00Z')
  await backupAt('named', '2026-06-05T02:00:00Z')
  for (const from of [m.key, `s3://${BUCKET}/${m.key}`]) {
    const f = await fetchArchive(store, 'backups/named/', from, {}, progress)
    assert.is(f.source, `s3://${BUCKET}/${m.key}`, from)
    assert.equal(f.manifest, m)
    assert.ok(readFileSync(f.file).equals(await object(m.key)))
    f.cleanup()
  }
  assert.equal(readdirSync(temps), [])
})

test('a named key without a manifest is said so, then scanned: its structure and CRCs instead of a checksum', async () => {
  const m = await backupAt('scan', '2026-06-06T02:00:00Z')
  const key = 'backups/scan/copied/20260606T020000Z.archive.gz'
  await put(key, await object(m.key))
  const f = await fetchArchive(store, 'backups/scan/', key, {}, progress)
  assert.equal(lines.splice(0, 1), [
    `restore: s3://${BUCKET}/${key} has no manifest; checking the archive's structure and CRCs instead`,
  ])
  assert.is(f.source, `s3://${BUCKET}/${key}`)
  assert.is(f.manifest, undefined)
  assert.equal(scanned(f), {
    documents: 5,
    namespaces: ['clinic.patients:4', 'clinic.visits:1'],
    mismatches: [],
  })
  f.cleanup()
  lines.length = 0
})

test('a local file is scanned where it lies, gzip or not, with no store at all; cleanup leaves it', async () => {
  const m = await backupAt('local', '2026-06-07T02:00:00Z', 2)
  const gz = join(files, 'dump.archive.gz')
  const plain = join(files, 'dump.archive')
  writeFileSync(gz, await object(m.key))
  writeFileSync(plain, gunzipSync(await object(m.key)))
  for (const path of [gz, plain]) {
    const f = await fetchArchive(undefined, 'backups/local/', path, {}, progress)
    assert.equal(
      { source: f.source, file: f.file, manifest: f.manifest },
      { source: path, file: path, manifest: undefined },
    )
    assert.equal(scanned(f), { documents: 3, namespaces: ['clinic.patients:2', 'clinic.visits:1'], mismatches: [] })
    f.cleanup()
    assert.ok(existsSync(path))
  }
  assert.equal(readdirSync(temps), [])
  lines.length = 0
})

test('a local file that is no archive is refused, naming the file and what is wrong', async () => {
  const path = join(files, 'notes.txt')
  writeFileSync(path, 'these are not the backups you are looking for\n')
  assert.is(
    await refusal(fetchArchive(store, 'backups/local/', path, {}, progress)),
    `RestoreRefused: ${path} is not a sound archive: not a mongodump archive (bad magic number); refusing to restore, nothing was written`,
  )
  assert.ok(existsSync(path))
})

test('without a backup store, anything but a local file is refused', async () => {
  for (const from of [undefined, 'latest', 'backups/staging/2026/06/02/20260602T020000Z.archive.gz'])
    assert.is(
      await refusal(fetchArchive(undefined, 'backups/staging/', from, {}, progress)),
      'RestoreRefused: no backup store configured',
    )
})

test('latest with no good backup under the prefix is refused, naming where it looked', async () => {
  await put('backups/broken/2026/06/08/20260608T020000Z.archive.gz', 'no manifest ever came')
  assert.is(
    await refusal(fetchArchive(store, 'backups/broken/', 'latest', {}, progress)),
    `RestoreRefused: no good backup (archive with a manifest) under s3://${BUCKET}/backups/broken/`,
  )
  assert.equal(readdirSync(temps), [])
})

test('a named key whose manifest cannot be read or describes another archive is refused before any download', async () => {
  const m = await backupAt('unreadable', '2026-06-09T02:00:00Z')
  for (const body of ['{ not json', JSON.stringify({ ...m, key: 'backups/unreadable/other.archive.gz' })]) {
    await put(manifestKeyFor(m.key), body)
    assert.is(
      await refusal(fetchArchive(store, 'backups/unreadable/', m.key, {}, progress)),
      `RestoreRefused: the manifest of s3://${BUCKET}/${m.key} cannot be read or does not describe it; refusing to restore`,
    )
  }
  assert.equal(readdirSync(temps), [])
})

test('an archive whose bytes changed after its manifest is refused with both checksums, and the download removed', async () => {
  const m = await backupAt('tampered', '2026-06-10T02:00:00Z')
  const bytes = await object(m.key)
  bytes[bytes.length >> 1] ^= 0xff
  await put(m.key, bytes)
  assert.is(
    await refusal(fetchArchive(store, 'backups/tampered/', 'latest', {}, progress)),
    `RestoreRefused: checksum mismatch for s3://${BUCKET}/${m.key}: sha256 ${sha256(bytes)} (${bytes.length} bytes), manifest says ${m.sha256} (${m.compressedBytes} bytes); refusing to restore, nothing was written`,
  )
  // Same hash, another length (the manifest's size is checked too).
  await put(manifestKeyFor(m.key), JSON.stringify({ ...m, sha256: sha256(bytes), compressedBytes: bytes.length + 1 }))
  assert.is(
    await refusal(fetchArchive(store, 'backups/tampered/', m.key, {}, progress)),
    `RestoreRefused: checksum mismatch for s3://${BUCKET}/${m.key}: sha256 ${sha256(bytes)} (${bytes.length} bytes), manifest says ${sha256(bytes)} (${bytes.length + 1} bytes); refusing to restore, nothing was written`,
  )
  assert.equal(readdirSync(temps), [])
})

test('a named archive without a manifest that fails its scan is refused, and the download removed', async () => {
  const m = await backupAt('truncated', '2026-06-11T02:00:00Z')
  const key = 'backups/truncated/copied/20260611T020000Z.archive'
  const raw = gunzipSync(await object(m.key))
  await put(key, raw.subarray(0, raw.length - 30))
  assert.is(
    await refusal(fetchArchive(store, 'backups/truncated/', `s3://${BUCKET}/${key}`, {}, progress)),
    `RestoreRefused: s3://${BUCKET}/${key} is not a sound archive: archive is truncated in a namespace header; refusing to restore, nothing was written`,
  )
  assert.equal(readdirSync(temps), [])
  lines.length = 0
})

test.run()
