// Encoding an archive as mongodump lays it out: the whole byte sequence, one segment per namespace, an empty
// collection as its EOF alone, and what each namespace reports when done (pure: archives built in memory).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BSON } from 'mongodb'
import { encodeArchive, type NamespaceInput, type NamespaceWritten } from '../../scripts/lib/backup/archive-write.ts'
import {
  encodeCollectionEntry,
  encodeHeader,
  encodeNamespaceHeader,
  magicBytes,
  TERMINATOR,
} from '../../scripts/lib/backup/archive-format.ts'
import { crc64 } from '../../scripts/lib/backup/crc64.ts'

const header = { concurrentCollections: 1, version: '0.1', serverVersion: '7.0.42', toolVersion: 'test' }
const doc = (o: object) => Buffer.from(BSON.serialize(o))
const entry = (db: string, collection: string) => ({ db, collection, metadata: '{}', size: 0, type: '' })
const ns = (db: string, collection: string, batches: Buffer[][]): NamespaceInput => ({
  entry: entry(db, collection),
  documents: async function* () {
    yield* batches
  },
})
async function encode(inputs: NamespaceInput[], onNamespace?: (n: NamespaceWritten) => void) {
  const out: Buffer[] = []
  for await (const b of encodeArchive(header, inputs, onNamespace)) out.push(b)
  return Buffer.concat(out)
}
const eofOf = (db: string, collection: string, docs: Buffer[]) =>
  encodeNamespaceHeader({ db, collection, eof: true, crc: crc64(Buffer.concat(docs)) })
const segmentOf = (db: string, collection: string) => encodeNamespaceHeader({ db, collection, eof: false, crc: 0n })

const a1 = doc({ _id: 1, s: 'x' })
const a2 = doc({ _id: 2, n: 2.5 })
const b1 = doc({ _id: 'b' })

test("the bytes are mongodump's layout: prelude, then each namespace's segment and its EOF with the CRC", async () => {
  const bytes = await encode([ns('d', 'a', [[a1], [a2]]), ns('d', 'empty', []), ns('e', 'b', [[b1]])])
  const expected = Buffer.concat([
    magicBytes(),
    encodeHeader(header),
    encodeCollectionEntry(entry('d', 'a')),
    encodeCollectionEntry(entry('d', 'empty')),
    encodeCollectionEntry(entry('e', 'b')),
    TERMINATOR,
    segmentOf('d', 'a'),
    a1,
    a2,
    TERMINATOR,
    eofOf('d', 'a', [a1, a2]),
    TERMINATOR,
    eofOf('d', 'empty', []),
    TERMINATOR,
    segmentOf('e', 'b'),
    b1,
    TERMINATOR,
    eofOf('e', 'b', [b1]),
    TERMINATOR,
  ])
  assert.is(bytes.toString('hex'), expected.toString('hex'))
  assert.is(bytes.readUInt32LE(0), 0x8199e26d)
})

test('empty batches open no segment: a collection that yields only empty batches is written as empty', async () => {
  const withEmpty = await encode([ns('d', 'c', [[], [], []])])
  const none = await encode([ns('d', 'c', [])])
  assert.is(withEmpty.toString('hex'), none.toString('hex'))
})

test('each namespace reports its count, document bytes and CRC once its EOF is written', async () => {
  const done: NamespaceWritten[] = []
  await encode([ns('d', 'a', [[a1], [], [a2]]), ns('d', 'empty', [])], (n) => done.push(n))
  assert.equal(done, [
    { db: 'd', collection: 'a', count: 2, bytes: a1.length + a2.length, crc: crc64(Buffer.concat([a1, a2])) },
    { db: 'd', collection: 'empty', count: 0, bytes: 0, crc: crc64(Buffer.alloc(0)) },
  ])
})

test.run()
