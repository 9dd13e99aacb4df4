// Compatibility with MongoDB's own tools, both ways: mongodump --archive --gzip → our restore, our backup → mongorestore.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { readFileSync } from 'node:fs'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { runMongoTool } from '../../harness/mongo-tools.ts'
import { s3BackupStore } from '../../../scripts/lib/aws/backup-store.ts'
import { runBackup } from '../../../scripts/lib/backup/run-backup.ts'
import { downloadToFile } from '../../../scripts/lib/backup/archive-io.ts'
import { mongoSource } from '../../../scripts/lib/mongo/source.ts'
import { memoryHeartbeat } from '../../backup/fakes.ts'
import { seed } from './dataset.ts'
import { fingerprint } from './fingerprint.ts'
import { ENV, ops, startWorld, type World } from './setup.ts'

let world: World
let src: Ferret
const dir = mkdtempSync(join(tmpdir(), 'compat-'))

test.before(async () => {
  ;[world, src] = await Promise.all([startWorld(), startFerret()])
  await seed(src.uri)
})
test.after(async () => {
  await Promise.all([world?.moto.stop(), src?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

test('mongodump --archive --gzip → restore --from FILE: identical data and indexes', async () => {
  const file = join(dir, 'dump.archive.gz')
  const dump = await runMongoTool('mongodump', ['--uri', src.uri, `--archive=${file}`, '--gzip'])
  assert.is(dump.code, 0, dump.stderr)
  const dst = await startFerret()
  try {
    const r = await ops(['restore', ENV, '--from', file, '--to', dst.uri], {})
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /structure and CRCs checked/)
    assert.equal(await fingerprint(dst.uri), await fingerprint(src.uri))
  } finally {
    await dst.stop()
  }
})

test('a mongodump archive in S3 without a manifest restores after a structural check', async () => {
  const file = join(dir, 'dump2.archive.gz')
  assert.is(
    (await runMongoTool('mongodump', ['--uri', src.uri, '--db', 'audit', `--archive=${file}`, '--gzip'])).code,
    0,
  )
  const key = `${world.policy.prefix}/${ENV}/manual/mongodump.archive.gz`
  await world.s3.send(new PutObjectCommand({ Bucket: world.policy.bucket, Key: key, Body: readFileSync(file) }))
  const dst = await startFerret()
  try {
    const r = await ops(['restore', ENV, '--from', key, '--to', dst.uri], {})
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, /has no manifest; checking the archive's structure and CRCs instead/)
    assert.equal(await fingerprint(dst.uri), await fingerprint(src.uri, ['audit']))
  } finally {
    await dst.stop()
  }
})

test('our backup → mongorestore --archive --gzip: identical data, index specs read', async () => {
  const client = await MongoClient.connect(src.uri)
  const dst = await startFerret()
  try {
    const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
    const m = await runBackup(
      'compat',
      { ...world.policy, databases: undefined },
      { source: mongoSource(client), store, heartbeat: memoryHeartbeat(), progress: () => {} },
    )
    const file = join(dir, 'ours.archive.gz')
    await downloadToFile(store, m.key, file)
    const r = await runMongoTool('mongorestore', ['--uri', dst.uri, `--archive=${file}`, '--gzip'])
    assert.match(r.stderr, /620 document\(s\) restored successfully\. 0 document\(s\) failed to restore\./)
    // mongorestore always adds "ns" to createIndexes, which FerretDB v1 rejects (it does the same with mongodump's own
    // archives); its index builds run in parallel and the first refusal stops the rest, so each collection's index
    // specs are read in a run of their own (the collection is dropped and restored again, identically).
    if (r.code !== 0) assert.match(r.stderr, /Index option "ns" is unknown/)
    const specs: [string, RegExp][] = [
      [
        'drsignet.patients',
        /Options:primitive\.M\{"name":"mrn_1", "unique":true, "v":2\}, Key:primitive\.D\{primitive\.E\{Key:"mrn", Value:1\}\}/,
      ],
      [
        'drsignet.appointments',
        /Key:primitive\.D\{primitive\.E\{Key:"room", Value:1\}, primitive\.E\{Key:"at", Value:-1\}\}/,
      ],
    ]
    for (const [ns, spec] of specs) {
      const one = await runMongoTool('mongorestore', [
        '--uri',
        dst.uri,
        `--archive=${file}`,
        '--gzip',
        '--drop',
        `--nsInclude=${ns}`,
      ])
      assert.match(one.stderr, spec, `${ns}: ${one.stderr}`)
    }
    const strip = (f: Awaited<ReturnType<typeof fingerprint>>) =>
      Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { count: v.count, hash: v.hash }]))
    assert.equal(strip(await fingerprint(dst.uri)), strip(await fingerprint(src.uri)))
  } finally {
    await client.close()
    await dst.stop()
  }
})

test('control: mongorestore of mongodump’s own archive meets the same FerretDB index limit', async () => {
  const file = join(dir, 'dump.archive.gz')
  const dst = await startFerret()
  try {
    const r = await runMongoTool('mongorestore', ['--uri', dst.uri, `--archive=${file}`, '--gzip'])
    if (process.env.SHOW) console.error(r.stderr)
    assert.match(r.stderr, /620 document\(s\) restored successfully/)
    if (r.code !== 0) assert.match(r.stderr, /Index option "ns" is unknown/)
  } finally {
    await dst.stop()
  }
})

test.run()
