// Checks what mongoSource reads for a backup: the server's version, user collections with options, indexes and uuid,
// documents as the server's raw bytes in its batches, the data size; and metadataJson as mongodump writes it
// (FerretDB on loopback; metadataJson pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BSON, MongoClient } from 'mongodb'
import { metadataJson, mongoSource, type SourceCollection } from '../../scripts/lib/mongo/source.ts'
import { startFerret, type Ferret } from '../harness/ferretdb.ts'

let ferret: Ferret
let client: MongoClient
const raw = (o: object) => Buffer.from(BSON.serialize(o))
const patients = Array.from({ length: 25 }, (_, i) => ({
  _id: i,
  mrn: `MRN-${String(i).padStart(4, '0')}`,
  age: 30 + i,
}))

async function all(it: AsyncIterable<Buffer[]>): Promise<Buffer[][]> {
  const out: Buffer[][] = []
  for await (const batch of it) out.push(batch)
  return out
}

test.before(async () => {
  ferret = await startFerret()
  client = new MongoClient(ferret.uri)
  const clinic = client.db('clinic')
  await clinic.collection<(typeof patients)[number]>('patients').insertMany(patients)
  await clinic.collection('patients').createIndex({ mrn: 1 }, { unique: true })
  await clinic.createCollection('audit', { capped: true, size: 4096 })
  await clinic.createCollection('empty')
  await clinic.createCollection('system.js')
  await client
    .db('billing')
    .collection<{ _id: string; total: number }>('invoices')
    .insertOne({ _id: 'inv-1', total: 120 })
  await client.db('admin').collection<{ _id: number }>('settings').insertOne({ _id: 1 })
})
test.after(async () => {
  await client?.close()
  await ferret?.stop()
})

test('the server version is buildInfo’s', async () => {
  assert.is(await mongoSource(client).serverVersion(), '7.0.42')
})

test('every user database’s collections, sorted, with options, index specs and uuid; system ones left out', async () => {
  // What the server itself holds, so the test shows what is filtered out.
  assert.equal(
    (await client.db('clinic').listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort(),
    ['audit', 'empty', 'patients', 'system.js'],
  )
  const listed = await mongoSource(client).listCollections()
  assert.equal(
    listed.map(({ uuid, ...c }) => {
      assert.match(uuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      return c
    }),
    [
      {
        db: 'billing',
        name: 'invoices',
        type: 'collection',
        options: {},
        indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }],
      },
      {
        db: 'clinic',
        name: 'audit',
        type: 'collection',
        options: { capped: true, size: 4096 },
        indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }],
      },
      {
        db: 'clinic',
        name: 'empty',
        type: 'collection',
        options: {},
        indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }],
      },
      {
        db: 'clinic',
        name: 'patients',
        type: 'collection',
        options: {},
        indexes: [
          { v: 2, key: { _id: 1 }, name: '_id_' },
          { v: 2, key: { mrn: 1 }, name: 'mrn_1', unique: true },
        ],
      },
    ],
  )
  assert.is(new Set(listed.map((c) => c.uuid)).size, 4, 'each collection has its own uuid')
})

test('an include list reads only those databases, sorted; one that does not exist adds nothing', async () => {
  const listed = await mongoSource(client).listCollections(['nowhere', 'clinic'])
  assert.equal(
    listed.map((c) => `${c.db}.${c.name}`),
    ['clinic.audit', 'clinic.empty', 'clinic.patients'],
  )
})

test('documents are the server’s bytes, in natural order, in batches of the batch size', async () => {
  const batches = await all(mongoSource(client, 10).documents('clinic', 'patients'))
  assert.equal(
    batches.map((b) => b.length),
    [10, 10, 5],
  )
  const docs = batches.flat()
  assert.ok(
    docs.every((d) => Buffer.isBuffer(d)),
    'each document is a Buffer',
  )
  assert.equal(
    docs.map((d) => d.toString('hex')),
    patients.map((p) => raw(p).toString('hex')),
  )
})

test('an empty collection and one that does not exist yield no batch', async () => {
  assert.equal(await all(mongoSource(client).documents('clinic', 'empty')), [])
  assert.equal(await all(mongoSource(client).documents('clinic', 'nothing-here')), [])
})

test('a reader that stops early gets no more documents, and the source can be read again from the start', async () => {
  const source = mongoSource(client, 4)
  for await (const batch of source.documents('clinic', 'patients')) {
    assert.is(batch.length, 4)
    break
  }
  const again = (await all(source.documents('clinic', 'patients'))).flat()
  assert.is(again.length, 25)
  assert.ok(again[0]!.equals(raw(patients[0]!)))
})

test('the data size adds up the databases the server reports on; unknown when the server refuses', async () => {
  const source = mongoSource(client)
  const clinic = await source.dataSize(['clinic'])
  const billing = await source.dataSize(['billing'])
  assert.ok(clinic! > 0 && billing! > 0, `clinic ${clinic}, billing ${billing}`)
  assert.is(await source.dataSize(['clinic', 'billing']), clinic! + billing!)
  assert.is(await source.dataSize(['nowhere']), 0)
  assert.is(await source.dataSize([]), 0)
  // An invalid database name: the server answers with an error, and the backup goes on without an estimate.
  assert.is(await source.dataSize(['clinic', 'bad.name']), undefined)
})

test('metadataJson: canonical Extended JSON in mongodump’s key order, options only when there are some', () => {
  const c: SourceCollection = {
    db: 'clinic',
    name: 'audit',
    type: 'collection',
    options: { capped: true, size: 4096 },
    uuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    indexes: [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { at: -1 }, name: 'at_-1', expireAfterSeconds: 86400 },
    ],
  }
  assert.is(
    metadataJson(c),
    '{"options":{"capped":true,"size":{"$numberInt":"4096"}},"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},{"v":{"$numberInt":"2"},"key":{"at":{"$numberInt":"-1"}},"name":"at_-1","expireAfterSeconds":{"$numberInt":"86400"}}],"uuid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","collectionName":"audit","type":"collection"}',
  )
  assert.is(
    metadataJson({ db: 'clinic', name: 'empty', type: 'collection', options: {}, indexes: [] }),
    '{"indexes":[],"collectionName":"empty","type":"collection"}',
  )
})

test.run()
