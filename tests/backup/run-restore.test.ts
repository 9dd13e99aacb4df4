import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeArchive } from '../../scripts/lib/backup/archive-write.ts'
import { nsMatcher, restoreArchive } from '../../scripts/lib/backup/run-restore.ts'
import { doc, memoryTarget } from './fakes.ts'

const meta = (c: string) => JSON.stringify({ indexes: [{ v: { $numberInt: '2' }, key: { _id: { $numberInt: '1' } }, name: '_id_' }, { v: { $numberInt: '2' }, key: { k: { $numberInt: '1' } }, name: 'k_1' }], collectionName: c })
const archive = () =>
  encodeArchive({ concurrentCollections: 1, version: '0.1', serverVersion: 'x', toolVersion: 'y' }, [
    { entry: { db: 'app', collection: 'a', metadata: meta('a'), size: 0, type: '' }, documents: async function* () { yield Array.from({ length: 2500 }, (_, i) => doc({ _id: i })) } },
    { entry: { db: 'app', collection: 'empty', metadata: meta('empty'), size: 0, type: '' }, documents: async function* () {} },
    { entry: { db: 'log', collection: 'c', metadata: meta('c'), size: 0, type: '' }, documents: async function* () { yield [doc({ _id: 'x' })] } },
  ])

test('nsInclude patterns work like mongorestore’s', () => {
  const m = nsMatcher(['app.*', 'log.c'])
  assert.equal(['app.a', 'app.b', 'log.c', 'log.d', 'apps.a'].map(m), [true, true, true, false, false])
  assert.ok(nsMatcher(undefined)('any.thing'))
})

test('restores collections, documents in batches, then indexes, into renamed databases', async () => {
  const t = memoryTarget()
  const r = await restoreArchive(archive(), t, { renameDb: (db) => `s_${db}`, drop: true, batchDocs: 1000 }, () => {})
  assert.equal(t.log, ['prepare s_app.a drop', 'prepare s_app.empty drop', 'prepare s_log.c drop', 'insert s_app.a 1000', 'insert s_app.a 1000', 'insert s_app.a 500', 'indexes s_app.a 2', 'indexes s_app.empty 2', 'insert s_log.c 1', 'indexes s_log.c 2'])
  assert.equal(r.namespaces.map((n) => `${n.targetDb}.${n.collection} ${n.count} ${n.indexes}`), ['s_app.a 2500 1', 's_app.empty 0 1', 's_log.c 1 1'])
  assert.is(r.documents, 2501)
})

test('--ns-include restores only matching namespaces', async () => {
  const t = memoryTarget()
  const r = await restoreArchive(archive(), t, { nsInclude: ['log.*'] }, () => {})
  assert.equal(r.namespaces.map((n) => n.collection), ['c'])
  assert.equal(t.log, ['prepare log.c', 'insert log.c 1', 'indexes log.c 2'])
})

test('without a target it only scans', async () => {
  const r = await restoreArchive(archive(), null, {}, () => {})
  assert.is(r.documents, 2501)
})

test.run()
