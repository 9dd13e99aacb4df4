// Checks mongoTarget, what a restore writes through: collections prepared (created, dropped, or observed as they are),
// raw BSON written back byte for byte in ordered batches, errors naming the namespace and the document, indexes built,
// collections read back; and parseMetadata (FerretDB on loopback; a scripted client at the `command` level only for
// the replies FerretDB never gives: a write concern error, a short count).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BSON, Int32, MongoClient } from 'mongodb'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'
import { EMPTY, mongoTarget, parseMetadata, RestoreWriteError } from '../../scripts/lib/mongo/sink.ts'
import { startFerret, type Ferret } from '../harness/ferretdb.ts'
import { bson, v } from '../integration/backup/every-type.ts'

let ferret: Ferret
let client: MongoClient
const raw = (o: object) => Buffer.from(BSON.serialize(o))
const hashOf = (docs: Buffer[]) => {
  const h = new ContentHash()
  for (const d of docs) h.add(d)
  return h.hex()
}
/** The collection's documents as the server returns them: raw bytes, natural order. */
const stored = async (db: string, c: string) =>
  (await client.db(db).collection(c).find({}, { raw: true }).toArray()) as unknown as Buffer[]
const hex = (docs: Buffer[]) => docs.map((d) => Buffer.from(d).toString('hex'))
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'written',
    (e: Error) => `${e instanceof RestoreWriteError ? 'RestoreWriteError' : e.name}: ${e.message}`,
  )

test.before(async () => {
  ferret = await startFerret()
  client = new MongoClient(ferret.uri)
})
test.after(async () => {
  await client?.close()
  await ferret?.stop()
})

test('prepare makes a new collection with its options and says it held nothing', async () => {
  const target = mongoTarget(client)
  assert.equal(await target.prepare('clinic', 'audit', { capped: true, size: 4096 }, false), EMPTY)
  const [info] = await client.db('clinic').listCollections({ name: 'audit' }).toArray()
  assert.equal((info as { options?: object }).options, { capped: true, size: 4096 })
})

test('prepare of a collection that holds data says what it holds; with drop it empties it first', async () => {
  const docs = [raw({ _id: 1, name: 'Ada' }), raw({ _id: 2, name: 'Grace' })]
  await client
    .db('clinic')
    .collection<{ _id: number; name: string }>('kept')
    .insertMany([
      { _id: 1, name: 'Ada' },
      { _id: 2, name: 'Grace' },
    ])
  await client.db('clinic').collection('kept').createIndex({ name: 1 })
  const target = mongoTarget(client)
  assert.equal(await target.prepare('clinic', 'kept', {}, false), {
    count: 2,
    contentHash: hashOf(docs),
    indexes: ['_id_', 'name_1'],
  })
  assert.equal(await target.prepare('clinic', 'kept', {}, true), EMPTY)
  assert.equal(await stored('clinic', 'kept'), [])
  // Dropping what is not there is no error.
  assert.equal(await target.prepare('clinic', 'never-was', {}, true), EMPTY)
})

test('documents are written with exactly their bytes: null _id, datetimes beyond Date’s range, key order', async () => {
  const docs = [
    bson([
      [0x0a, '_id', Buffer.alloc(0)],
      [0x09, 'far', v.datetime(1n << 62n)[1]],
    ]),
    bson([
      [0x09, '_id', v.datetime(-(1n << 62n))[1]],
      [0x12, 'big', v.int64((1n << 63n) - 1n)[1]],
    ]),
    bson([
      [0x10, '_id', v.int32(7)[1]],
      [0x02, 'z', v.string('last key first')[1]],
      [0x02, 'a', v.string('患者-ü')[1]],
      [0x09, 'at', v.datetime(8_640_000_000_000_001n)[1]],
    ]),
  ]
  await mongoTarget(client).insert('exact', 'docs', docs)
  assert.equal(hex(await stored('exact', 'docs')), hex(docs))
})

test('batches land in order, each whole: thousands of documents in several calls read back as sent', async () => {
  const target = mongoTarget(client)
  const docs = Array.from({ length: 5000 }, (_, i) => raw({ _id: i, mrn: `MRN-${i}`, pad: 'x'.repeat(i % 97) }))
  for (const [from, to] of [
    [0, 2000],
    [2000, 4000],
    [4000, 5000],
  ])
    await target.insert('batches', 'patients', docs.slice(from, to))
  assert.equal(hex(await stored('batches', 'patients')), hex(docs))
  assert.equal(await target.observe('batches', 'patients'), {
    count: 5000,
    contentHash: hashOf(docs),
    indexes: ['_id_'],
  })
})

test('a duplicate _id stops the batch there, naming the namespace and the document, and says what to do', async () => {
  const target = mongoTarget(client)
  await target.insert('dup', 'patients', [raw({ _id: 'p-1' }), raw({ _id: 'p-2' })])
  assert.is(
    await failure(target.insert('dup', 'patients', [raw({ _id: 'p-0' }), raw({ _id: 'p-2' }), raw({ _id: 'p-3' })])),
    'RestoreWriteError: dup.patients: document _id "p-2" is already there (E11000 duplicate key error collection: dup.patients); restore into an empty target or pass --drop',
  )
  // Ordered: what came before the duplicate is written, nothing after it.
  assert.equal(
    (await stored('dup', 'patients')).map((d) => BSON.deserialize(d)._id),
    ['p-1', 'p-2', 'p-0'],
  )
})

test('a document the server refuses names the namespace, the document’s _id and the server’s reason', async () => {
  const refused = bson([
    [0x10, '_id', v.int32(3)[1]],
    [0x10, '$where', v.int32(1)[1]],
  ])
  assert.is(
    await failure(mongoTarget(client).insert('refused', 'docs', [refused])),
    `RestoreWriteError: refused.docs: document _id {"$numberInt":"3"} was refused: invalid key: "$where" (key must not start with '$' sign)`,
  )
})

test('a write concern error or a short count is a failure, never a silent partial restore', async () => {
  // FerretDB is a single server that always stores the whole ordered batch or reports the document it refused;
  // these replies come from a replica set without its majority, so a client answering `command` stands in.
  const answering = (reply: object) => ({ db: () => ({ command: async () => reply }) }) as unknown as MongoClient
  const docs = [raw({ _id: 1 }), raw({ _id: 2 })]
  assert.is(
    await failure(
      mongoTarget(
        answering({ ok: 1, n: 2, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } }),
      ).insert('clinic', 'patients', docs),
    ),
    'RestoreWriteError: clinic.patients: the write concern failed: waiting for replication timed out',
  )
  assert.is(
    await failure(
      mongoTarget(answering({ ok: 1, n: 2, writeConcernError: { code: 100 } })).insert('clinic', 'patients', docs),
    ),
    'RestoreWriteError: clinic.patients: the write concern failed: code 100',
  )
  assert.is(
    await failure(mongoTarget(answering({ ok: 1, n: 1 })).insert('clinic', 'patients', docs)),
    'RestoreWriteError: clinic.patients: the server stored 1 of 2 documents without saying why',
  )
})

test('indexes: built from the archive’s specs without _id_, v or ns, options kept; the count says how many', async () => {
  const target = mongoTarget(client)
  await target.prepare('idx', 'patients', {}, false)
  const specs = parseMetadata(
    '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},' +
      '{"v":{"$numberInt":"2"},"key":{"mrn":{"$numberInt":"1"}},"name":"mrn_1","unique":true,"ns":"old.patients"},' +
      '{"v":{"$numberInt":"2"},"key":{"last":{"$numberInt":"1"},"first":{"$numberInt":"-1"}},"name":"by_name"}]}',
  ).indexes
  assert.is(await target.createIndexes('idx', 'patients', specs), 2)
  const built = await client.db('idx').collection('patients').listIndexes().toArray()
  assert.equal(
    built.sort((a, b) => String(a.name).localeCompare(String(b.name))),
    [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { last: 1, first: -1 }, name: 'by_name' },
      { v: 2, key: { mrn: 1 }, name: 'mrn_1', unique: true },
    ],
  )
  assert.equal((await target.observe('idx', 'patients')).indexes, ['_id_', 'by_name', 'mrn_1'])
})

test('only the _id index: nothing is sent, so a collection that is not there is not made', async () => {
  const target = mongoTarget(client)
  assert.is(await target.createIndexes('idx', 'ghost', [{ v: 2, key: { _id: 1 }, name: '_id_' }]), 0)
  assert.is(await target.createIndexes('idx', 'ghost', []), 0)
  assert.equal(await client.db('idx').listCollections({ name: 'ghost' }).toArray(), [])
})

test('parseMetadata: options and index specs decoded to driver values; nothing for an empty string', () => {
  assert.equal(parseMetadata(''), { options: {}, indexes: [] })
  assert.equal(parseMetadata('{"collectionName":"c","type":"collection"}'), { options: {}, indexes: [] })
  assert.equal(
    parseMetadata(
      '{"options":{"capped":true,"size":{"$numberInt":"4096"}},"indexes":[{"v":{"$numberInt":"2"},"key":{"at":{"$numberInt":"-1"}},"name":"at_-1"}],"uuid":"0f1e","collectionName":"audit","type":"collection"}',
    ),
    {
      options: { capped: true, size: new Int32(4096) },
      indexes: [{ v: new Int32(2), key: { at: new Int32(-1) }, name: 'at_-1' }],
    },
  )
})

test.run()
