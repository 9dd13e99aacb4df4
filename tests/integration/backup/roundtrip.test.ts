// Round trip through real services: FerretDB → backup (CLI) → S3 (moto) → verify → restore → identical counts, hashes and indexes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { MongoClient } from 'mongodb'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { s3BackupStore } from '../../../scripts/lib/aws/backup-store.ts'
import { memoryHeartbeat } from '../../backup/fakes.ts'
import { runBackup } from '../../../scripts/lib/backup/run-backup.ts'
import { restoreArchive } from '../../../scripts/lib/backup/run-restore.ts'
import { downloadToFile, openArchiveFile } from '../../../scripts/lib/backup/archive-io.ts'
import { heartbeatKey, manifestKeyFor, type Manifest } from '../../../scripts/lib/backup/manifest.ts'
import { mongoSource } from '../../../scripts/lib/mongo/source.ts'
import { mongoTarget } from '../../../scripts/lib/mongo/sink.ts'
import { seed } from './dataset.ts'
import { databaseNames, fingerprint } from './fingerprint.ts'
import { ENV, ops, startWorld, type World } from './setup.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let world: World
let src: Ferret
let dst: Ferret
let key = ''

test.before(async () => {
  ;[world, src, dst] = await Promise.all([startWorld(), startFerret(), startFerret()])
  await seed(src.uri)
})
test.after(async () => {
  await Promise.all([world?.moto.stop(), src?.stop(), dst?.stop()])
})

test('backup ENV streams the policy’s databases to S3 with SSE-KMS, then the manifest and heartbeat', async () => {
  const r = await ops(['backup', ENV], { MONGODB_URI: src.uri })
  assert.is(r.code, 0, r.stderr)
  key = /s3:\/\/[^/]+\/(\S+\.archive\.gz)/.exec(r.stdout)![1]
  assert.match(key, new RegExp(`^${world.policy.prefix}/${ENV}/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{6}Z\\.archive\\.gz$`))
  // The server's size estimate sizes the upload's parts; FerretDB answers dbStats as MongoDB does.
  assert.match(r.stderr, /backup: 3 collection\(s\), about [\d.]+ MB of data\n/)
  assert.match(r.stderr, /backup: 420 docs \(\d+ docs\/s\), [\d.]+ MB \([\d.]+ MB\/s\)/)
  assert.not.match(r.stdout + r.stderr, new RegExp(src.uri.replace(/[/.]/g, '\\$&')))
  const head = await world.s3.send(new HeadObjectCommand({ Bucket: world.policy.bucket, Key: key }))
  assert.is(head.ServerSideEncryption, 'aws:kms')
  const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
  const m = (await store.getJson(manifestKeyFor(key))) as Manifest
  assert.equal(
    m.databases.map((d) => [d.name, d.collections.map((c) => `${c.name}:${c.count}:${c.indexes.length}`)]),
    [['drsignet', ['appointments:120:2', 'empty:0:1', 'patients:300:3']]],
  )
  assert.is(m.compressedBytes, head.ContentLength)
  assert.is(m.serverVersion, '7.0.42')
  assert.ok(Date.parse(m.endedAt) >= Date.parse(m.startedAt) && m.durationMs >= 0)
  const beat = (await store.getJson(heartbeatKey(world.policy, ENV))) as { key: string }
  assert.is(beat.key, key)
})

test('verify ENV: the restore drill passes and cleans up its scratch databases', async () => {
  const r = await ops(['verify', ENV], { MONGODB_URI: src.uri })
  assert.is(r.code, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /ok {7}drsignet\.patients: 300 documents, hash [0-9a-f]{12}…, 3 indexes/)
  assert.match(r.stdout, /restore time [\d.]+ s against an RTO of 2 h \(7200 s\): within/)
  assert.equal(await databaseNames(src.uri), ['audit', 'drsignet'])
})

test('restore ENV --to URI: identical counts, content hashes and indexes', async () => {
  const r = await ops(['restore', ENV, '--from', 'latest', '--to', dst.uri], {})
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /matches its manifest/)
  assert.match(r.stdout, /drsignet\.patients: 300 documents, [\d.]+ MB, 2 indexes/)
  assert.equal(await fingerprint(dst.uri), await fingerprint(src.uri, ['drsignet']))
})

test('restore --dry-run writes nothing; --ns-include and --drop restore just what was asked', async () => {
  const scratch = await startFerret()
  try {
    const dry = await ops(['restore', ENV, '--from', key, '--to', scratch.uri, '--dry-run'], {})
    assert.is(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /\(dry run\).*would restore:\n {2}drsignet\.appointments: 120 documents/s)
    assert.equal(await databaseNames(scratch.uri), [])
    for (let i = 0; i < 2; i++) {
      const r = await ops(
        ['restore', ENV, '--from', key, '--to', scratch.uri, '--ns-include', 'drsignet.pat*', '--drop'],
        {},
      )
      assert.is(r.code, 0, r.stderr)
    }
    const fp = await fingerprint(scratch.uri)
    assert.equal(Object.keys(fp), ['drsignet.patients'])
    assert.equal(fp['drsignet.patients'], (await fingerprint(src.uri, ['drsignet']))['drsignet.patients'])
  } finally {
    await scratch.stop()
  }
})

test('every database (no include list): many BSON types, several databases, identical after restore', async () => {
  const client = await MongoClient.connect(src.uri)
  const target = await startFerret()
  const tclient = await MongoClient.connect(target.uri)
  try {
    const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
    const policy = { ...world.policy, databases: undefined }
    const m = await runBackup('roundtrip', policy, {
      source: mongoSource(client),
      store,
      heartbeat: memoryHeartbeat(),
      progress: () => {},
    })
    assert.equal(
      m.databases.map((d) => d.name),
      ['audit', 'drsignet'],
    )
    const dir = mkdtempSync(join(tmpdir(), 'rt-'))
    const file = join(dir, 'b.archive.gz')
    const got = await downloadToFile(store, m.key, file)
    assert.is(got.sha256, m.sha256)
    await restoreArchive(openArchiveFile(file), mongoTarget(tclient), {}, () => {})
    rmSync(dir, { recursive: true, force: true })
    assert.equal(await fingerprint(target.uri), await fingerprint(src.uri))
  } finally {
    await Promise.all([client.close(), tclient.close()])
    await target.stop()
  }
})

test.run()
