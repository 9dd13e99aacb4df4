// Decoding an archive: prelude, documents and ends byte for byte, whatever the chunking or interleaving; broken
// archives refused with ArchiveError (pure: archives built in memory).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BSON } from 'mongodb'
import { decodeArchive, type ArchiveEvent } from '../../scripts/lib/backup/archive-read.ts'
import { encodeArchive, type NamespaceInput } from '../../scripts/lib/backup/archive-write.ts'
import {
  ArchiveError,
  encodeNamespaceHeader,
  magicBytes,
  encodeHeader,
  TERMINATOR,
} from '../../scripts/lib/backup/archive-format.ts'
import { crc64 } from '../../scripts/lib/backup/crc64.ts'

const header = { concurrentCollections: 1, version: '0.1', serverVersion: '7.0.42', toolVersion: 'test' }
const doc = (o: object) => Buffer.from(BSON.serialize(o))
const ns = (db: string, collection: string, batches: Buffer[][]): NamespaceInput => ({
  entry: { db, collection, metadata: '{"indexes":[],"collectionName":"' + collection + '"}', size: 0, type: '' },
  documents: async function* () {
    yield* batches
  },
})

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}
async function* chunksOf(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}
const encode = async (inputs: NamespaceInput[]) => Buffer.concat(await collect(encodeArchive(header, inputs)))
const summarize = (events: ArchiveEvent[]) =>
  events.map((e) =>
    e.kind === 'prelude'
      ? `prelude ${e.collections.map((c) => `${c.db}.${c.collection}`).join(',')}`
      : e.kind === 'documents'
        ? `docs ${e.db}.${e.collection} ${e.docs.length}`
        : `end ${e.db}.${e.collection} ${e.count}`,
  )

const a1 = doc({ _id: 1, s: 'x' })
const a2 = doc({ _id: 2, n: 2.5 })
const b1 = doc({ _id: 'b', arr: [1, 2] })

test('round trip: prelude, documents and ends, byte for byte', async () => {
  const bytes = await encode([ns('db1', 'a', [[a1], [a2]]), ns('db1', 'empty', []), ns('db2', 'b', [[b1]])])
  const events = await collect(decodeArchive(chunksOf(bytes, 1 << 20)))
  assert.equal(summarize(events), [
    'prelude db1.a,db1.empty,db2.b',
    'docs db1.a 2',
    'end db1.a 2',
    'end db1.empty 0',
    'docs db2.b 1',
    'end db2.b 1',
  ])
  const docs = events.flatMap((e) => (e.kind === 'documents' ? e.docs : []))
  assert.equal(
    docs.map((d) => d.toString('hex')),
    [a1, a2, b1].map((d) => d.toString('hex')),
  )
  const end = events.find((e) => e.kind === 'end' && e.collection === 'a')
  assert.equal(end && end.kind === 'end' && end.crc, crc64(Buffer.concat([a1, a2])))
})

test('decodes whatever the chunking, down to one byte', async () => {
  const bytes = await encode([ns('db1', 'a', [[a1, a2]]), ns('db2', 'b', [[b1]])])
  const events = await collect(decodeArchive(chunksOf(bytes, 1)))
  assert.equal(
    summarize(events).filter((s) => !s.startsWith('docs')),
    ['prelude db1.a,db2.b', 'end db1.a 2', 'end db2.b 1'],
  )
})

test('interleaved segments (as mongodump writes with parallel collections) decode per namespace', async () => {
  const seg = (db: string, c: string, docs: Buffer[]) =>
    Buffer.concat([encodeNamespaceHeader({ db, collection: c, eof: false, crc: 0n }), ...docs, TERMINATOR])
  const eof = (db: string, c: string, docs: Buffer[]) =>
    Buffer.concat([
      encodeNamespaceHeader({ db, collection: c, eof: true, crc: crc64(Buffer.concat(docs)) }),
      TERMINATOR,
    ])
  const { encodeCollectionEntry } = await import('../../scripts/lib/backup/archive-format.ts')
  const prelude = Buffer.concat([
    magicBytes(),
    encodeHeader(header),
    encodeCollectionEntry({ db: 'd', collection: 'x', metadata: '', size: 0, type: '' }),
    encodeCollectionEntry({ db: 'd', collection: 'y', metadata: '', size: 0, type: '' }),
    TERMINATOR,
  ])
  const bytes = Buffer.concat([
    prelude,
    seg('d', 'x', [a1]),
    seg('d', 'y', [b1]),
    seg('d', 'x', [a2]),
    eof('d', 'y', [b1]),
    eof('d', 'x', [a1, a2]),
  ])
  const events = await collect(decodeArchive(chunksOf(bytes, 5)))
  assert.equal(summarize(events), [
    'prelude d.x,d.y',
    'docs d.x 1',
    'docs d.y 1',
    'docs d.x 1',
    'end d.y 1',
    'end d.x 2',
  ])
})

async function rejects(bytes: Buffer, message: RegExp) {
  try {
    await collect(decodeArchive(chunksOf(bytes, 64)))
  } catch (e) {
    assert.instance(e, ArchiveError)
    assert.match((e as Error).message, message)
    return
  }
  assert.unreachable('decoded a broken archive')
}

test('refuses a file that is not an archive', async () => {
  await rejects(Buffer.from('hello world, not an archive'), /bad magic number/)
})

test('refuses a truncated archive', async () => {
  const bytes = await encode([ns('d', 'c', [[a1, a2]])])
  await rejects(bytes.subarray(0, bytes.length - 20), /truncated|corrupt/)
})

test('refuses an archive whose documents changed (CRC mismatch)', async () => {
  const bytes = Buffer.from(await encode([ns('d', 'c', [[a1, a2]])]))
  const at = bytes.indexOf(Buffer.from('x\0'))
  bytes[at] = 'y'.charCodeAt(0)
  await rejects(bytes, /CRC mismatch for d\.c/)
})

test('refuses a document with an impossible size', async () => {
  const bytes = Buffer.from(await encode([ns('d', 'c', [[a1]])]))
  const at = bytes.indexOf(a1)
  bytes.writeInt32LE(3, at)
  await rejects(bytes, /corrupt/)
})

test.run()
