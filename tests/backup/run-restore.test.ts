import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeArchive } from '../../scripts/lib/backup/archive-write.ts'
import { nsMatcher, restoreArchive } from '../../scripts/lib/backup/run-restore.ts'
import { doc, memoryTarget } from './fakes.ts'
import { idOf } from '../../scripts/lib/mongo/sink.ts'
import { bson, v } from '../integration/backup/every-type.ts'

const meta = (c: string) =>
  JSON.stringify({
    indexes: [
      { v: { $numberInt: '2' }, key: { _id: { $numberInt: '1' } }, name: '_id_' },
      { v: { $numberInt: '2' }, key: { k: { $numberInt: '1' } }, name: 'k_1' },
    ],
    collectionName: c,
  })
const archive = () =>
  encodeArchive({ concurrentCollections: 1, version: '0.1', serverVersion: 'x', toolVersion: 'y' }, [
    {
      entry: { db: 'app', collection: 'a', metadata: meta('a'), size: 0, type: '' },
      documents: async function* () {
        yield Array.from({ length: 2500 }, (_, i) => doc({ _id: i }))
      },
    },
    {
      entry: { db: 'app', collection: 'empty', metadata: meta('empty'), size: 0, type: '' },
      documents: async function* () {},
    },
    {
      entry: { db: 'log', collection: 'c', metadata: meta('c'), size: 0, type: '' },
      documents: async function* () {
        yield [doc({ _id: 'x' })]
      },
    },
  ])

test('nsInclude patterns work like mongorestore’s', () => {
  const m = nsMatcher(['app.*', 'log.c'])
  assert.equal(['app.a', 'app.b', 'log.c', 'log.d', 'apps.a'].map(m), [true, true, true, false, false])
  assert.ok(nsMatcher(undefined)('any.thing'))
})

test('restores collections, documents in batches, then indexes, into renamed databases', async () => {
  const t = memoryTarget()
  const r = await restoreArchive(archive(), t, { renameDb: (db) => `s_${db}`, drop: true, batchDocs: 1000 }, () => {})
  assert.equal(t.log, [
    'prepare s_app.a drop',
    'prepare s_app.empty drop',
    'prepare s_log.c drop',
    'insert s_app.a 1000',
    'insert s_app.a 1000',
    'insert s_app.a 500',
    'indexes s_app.a 2',
    'indexes s_app.empty 2',
    'insert s_log.c 1',
    'indexes s_log.c 2',
  ])
  assert.equal(
    r.namespaces.map((n) => `${n.targetDb}.${n.collection} ${n.count} ${n.indexes}`),
    ['s_app.a 2500 1', 's_app.empty 0 1', 's_log.c 1 1'],
  )
  assert.is(r.documents, 2501)
})

test('--ns-include restores only matching namespaces', async () => {
  const t = memoryTarget()
  const r = await restoreArchive(archive(), t, { nsInclude: ['log.*'] }, () => {})
  assert.equal(
    r.namespaces.map((n) => n.collection),
    ['c'],
  )
  assert.equal(t.log, ['prepare log.c', 'insert log.c 1', 'indexes log.c 2'])
})

test('the proof reads every collection back: exact writes are proven, against the archive or the manifest', async () => {
  const r = await restoreArchive(archive(), memoryTarget(), {}, () => {})
  assert.equal(r.mismatches, [])
  assert.equal(
    r.namespaces.map((n) => n.written?.count),
    [2500, 0, 1],
  )
  const wrong = new Map([['app.a', { count: 2500, contentHash: '0'.repeat(64) }]])
  const m = await restoreArchive(archive(), memoryTarget(), { expected: wrong }, () => {})
  assert.equal(m.mismatches, [
    `app.a: its documents differ from the backup's (content hash ${m.namespaces[0]!.written!.contentHash.slice(0, 12)}… != 000000000000…)`,
  ])
})

test('a target that changes or loses a document fails the proof, naming the collection', async () => {
  const changing = memoryTarget()
  const insert = changing.insert
  changing.insert = (db, c, docs) =>
    insert(
      db,
      c,
      docs.map((d, i) => (i === 7 ? Buffer.from(d).fill(1, 5, 6) : d)),
    )
  assert.match(
    (await restoreArchive(archive(), changing, {}, () => {})).mismatches.join('\n'),
    /^app\.a: its documents differ from the backup's/,
  )
  const losing = memoryTarget()
  const insertAll = losing.insert
  losing.insert = (db, c, docs) => insertAll(db, c, docs.slice(1))
  assert.equal((await restoreArchive(archive(), losing, {}, () => {})).mismatches, [
    'app.a: holds 2499 documents after the restore, 2500 expected',
    'log.c: holds 0 documents after the restore, 1 expected',
  ])
})

test('documents already in a collection (no --drop) are part of what the proof expects', async () => {
  const t = memoryTarget()
  t.docs.set('log.c', [doc({ _id: 'before-1' }), doc({ _id: 'before-2' })])
  const r = await restoreArchive(archive(), t, {}, () => {})
  assert.equal(r.mismatches, [])
  assert.equal(r.namespaces.find((n) => n.collection === 'c')?.written?.count, 3)
  const lost = memoryTarget()
  lost.docs.set('log.c', [doc({ _id: 'before-1' })])
  const insert = lost.insert
  lost.insert = (db, c, docs) => (c === 'c' ? (lost.docs.set('log.c', []), insert(db, c, docs)) : insert(db, c, docs))
  assert.equal((await restoreArchive(archive(), lost, { nsInclude: ['log.*'] }, () => {})).mismatches, [
    'log.c: holds 1 documents after the restore, 2 expected (1 of them there before the restore)',
  ])
})

test('an index the archive names but the target lacks fails the proof', async () => {
  const t = memoryTarget()
  t.createIndexes = async () => 0
  assert.equal((await restoreArchive(archive(), t, { nsInclude: ['log.c'] }, () => {})).mismatches, [
    'log.c: indexes _id_, k_1 missing after the restore',
  ])
})

test('a refused document is named by its _id as it is, even a null or a date beyond Date’s range', () => {
  assert.is(idOf(bson([[0x09, '_id', v.datetime(1n << 62n)[1]]])), '{"$date":{"$numberLong":"4611686018427387904"}}')
  assert.is(idOf(bson([[0x0a, '_id', Buffer.alloc(0)]])), 'null')
  assert.is(idOf(doc({ _id: 'e7' })), '"e7"')
  assert.is(idOf(bson([[0x10, 'n', v.int32(1)[1]]])), '(no _id)')
})

test('without a target it only scans', async () => {
  const r = await restoreArchive(archive(), null, {}, () => {})
  assert.is(r.documents, 2501)
})

test.run()
