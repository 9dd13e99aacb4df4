import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { runBackup } from '../../scripts/lib/backup/run-backup.ts'
import { decodeArchive } from '../../scripts/lib/backup/archive-read.ts'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'
import { doc, fakeSource, memoryHeartbeat, memoryStore, policy } from './fakes.ts'

const at = new Date(Date.UTC(2026, 10, 24, 1, 2, 3))
const data = { 'app.a': [doc({ _id: 1 }), doc({ _id: 2 })], 'app.b': [], 'log.c': [doc({ _id: 'x', v: 1.5 })] }
const quiet = () => {}

test('writes the archive, then the manifest, then the heartbeat', async () => {
  const store = memoryStore()
  const hb = memoryHeartbeat()
  const m = await runBackup('production', policy, {
    source: fakeSource(data),
    store,
    heartbeat: hb,
    now: () => at,
    progress: quiet,
  })
  const key = 'backups/production/2026/11/24/20261124T010203Z.archive.gz'
  assert.equal(store.writes, [key, 'backups/production/2026/11/24/20261124T010203Z.manifest.json'])
  const body = store.objects.get(key)!
  assert.is(m.sha256, createHash('sha256').update(body).digest('hex'))
  assert.is(m.compressedBytes, body.length)
  assert.is(m.documents, 3)
  assert.equal(
    m.databases.map((d) => [d.name, d.collections.map((c) => `${c.name}:${c.count}`)]),
    [
      ['app', ['a:2', 'b:0']],
      ['log', ['c:1']],
    ],
  )
  assert.is(
    m.databases[0].collections[0].contentHash,
    new ContentHash().add(data['app.a'][0]).add(data['app.a'][1]).hex(),
  )
  assert.equal(
    hb.beats.map((b) => b.key),
    [key],
  )
  const events = []
  for await (const e of decodeArchive(Readable.from([gunzipSync(body)]))) events.push(e.kind)
  assert.equal(events, ['prelude', 'documents', 'end', 'end', 'documents', 'end'])
})

test('a source failure mid-stream leaves no manifest and no heartbeat', async () => {
  const store = memoryStore()
  const hb = memoryHeartbeat()
  try {
    await runBackup('production', policy, {
      source: fakeSource(data, 1),
      store,
      heartbeat: hb,
      now: () => at,
      progress: quiet,
    })
    assert.unreachable()
  } catch (e) {
    assert.match((e as Error).message, /^reading the database failed: connection 3 to 127\.0\.0\.1:27017 closed/)
  }
  assert.equal(
    [...store.objects.keys()].filter((k) => k.endsWith('.manifest.json')),
    [],
  )
  assert.equal(hb.beats, [])
})

test('an upload failure leaves no manifest and no heartbeat', async () => {
  const store = memoryStore({ failUpload: true })
  const hb = memoryHeartbeat()
  try {
    await runBackup('production', policy, {
      source: fakeSource(data),
      store,
      heartbeat: hb,
      now: () => at,
      progress: quiet,
    })
    assert.unreachable()
  } catch (e) {
    assert.match(
      (e as Error).message,
      /^uploading s3:\/\/b\/backups\/production\/.*\.archive\.gz failed: InternalError/,
    )
  }
  assert.equal(store.writes, [])
  assert.equal(hb.beats, [])
})

test('refuses to call an empty backup good', async () => {
  const store = memoryStore()
  try {
    await runBackup(
      'production',
      { ...policy, databases: ['missing'] },
      { source: fakeSource({}), store, heartbeat: memoryHeartbeat(), now: () => at, progress: quiet },
    )
    assert.unreachable()
  } catch (e) {
    assert.is((e as Error).message, "nothing to back up: no collections in the policy's databases (missing)")
  }
  assert.equal(store.writes, [])
})

test.run()
