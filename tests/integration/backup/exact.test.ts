// Byte for byte, three ways: every BSON type and boundary through backup → restore, mongodump → restore, backup → mongorestore.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { runMongoTool } from '../../harness/mongo-tools.ts'
import { s3BackupStore } from '../../../scripts/lib/aws/backup-store.ts'
import { runBackup } from '../../../scripts/lib/backup/run-backup.ts'
import { downloadToFile } from '../../../scripts/lib/backup/archive-io.ts'
import type { Manifest } from '../../../scripts/lib/backup/manifest.ts'
import { mongoSource } from '../../../scripts/lib/mongo/source.ts'
import { memoryHeartbeat } from '../../backup/fakes.ts'
import { fixtureContents, rawContents, seedEveryType } from './every-type.ts'
import { ENV, ops, startWorld, type World } from './setup.ts'

let world: World
let src: Ferret
let manifest: Manifest
const dir = mkdtempSync(join(tmpdir(), 'exact-'))
const want = fixtureContents()

test.before(async () => {
  ;[world, src] = await Promise.all([startWorld(), startFerret()])
  await seedEveryType(src.uri)
  const client = await MongoClient.connect(src.uri)
  try {
    const store = s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey)
    manifest = await runBackup(
      'exact',
      { ...world.policy, databases: ['types', 'types2'] },
      { source: mongoSource(client), store, heartbeat: memoryHeartbeat(), progress: () => {} },
    )
  } finally {
    await client.close()
  }
})
test.after(async () => {
  await Promise.all([world?.moto.stop(), src?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

/** A fresh server for one path, stopped after it. */
async function intoFresh(fill: (uri: string) => Promise<void>): Promise<Record<string, string[]>> {
  const dst = await startFerret()
  try {
    await fill(dst.uri)
    return await rawContents(dst.uri)
  } finally {
    await dst.stop()
  }
}

test('the seed holds exactly the fixture’s bytes (so every comparison below is against the fixture itself)', async () => {
  assert.equal(await rawContents(src.uri), want)
})

test('backup → restore: every document comes back with its bytes, and restore says it proved it', async () => {
  const got = await intoFresh(async (uri) => {
    const r = await ops(['restore', ENV, '--from', manifest.key, '--to', uri], {})
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /proven: every collection read back holds exactly the manifest's documents/)
  })
  assert.equal(got, want)
})

test('restoring over the same documents without --drop stops at the first one, naming it, and proves nothing wrong', async () => {
  const dst = await startFerret()
  try {
    const first = await ops(
      ['restore', ENV, '--from', manifest.key, '--to', dst.uri, '--ns-include', 'types.every'],
      {},
    )
    assert.is(first.code, 0, first.stderr)
    const again = await ops(
      ['restore', ENV, '--from', manifest.key, '--to', dst.uri, '--ns-include', 'types.every'],
      {},
    )
    assert.is(again.code, 1, again.stdout)
    assert.match(
      again.stderr,
      /^restore staging failed: types\.every: document _id null is already there \(E11000 .*\); restore into an empty target or pass --drop$/m,
    )
    const drop = await ops(
      ['restore', ENV, '--from', manifest.key, '--to', dst.uri, '--ns-include', 'types.every', '--drop'],
      {},
    )
    assert.is(drop.code, 0, drop.stderr)
    assert.equal((await rawContents(dst.uri, ['types']))['types.every'], want['types.every'])
  } finally {
    await dst.stop()
  }
})

test('mongodump --archive --gzip → restore: byte for byte, proven against the archive itself', async () => {
  const file = join(dir, 'dump.archive.gz')
  const dump = await runMongoTool('mongodump', ['--uri', src.uri, `--archive=${file}`, '--gzip'])
  assert.is(dump.code, 0, dump.stderr)
  const got = await intoFresh(async (uri) => {
    const r = await ops(['restore', ENV, '--from', file, '--to', uri], {})
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /proven: every collection read back holds exactly the archive's documents/)
  })
  assert.equal(got, want)
})

test('backup → mongorestore: MongoDB’s own tool reads our archive into the same bytes', async () => {
  const file = join(dir, 'ours.archive.gz')
  await downloadToFile(s3BackupStore(world.s3, world.policy.bucket, world.policy.kmsKey), manifest.key, file)
  const got = await intoFresh(async (uri) => {
    const r = await runMongoTool('mongorestore', ['--uri', uri, `--archive=${file}`, '--gzip'])
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, /21 document\(s\) restored successfully\. 0 document\(s\) failed to restore\./)
  })
  assert.equal(got, want)
})

test.run()
