// The archive's small documents: header, collection entries and namespace headers read back as written, in the
// field names and BSON types mongodump uses; entries without a namespace refused (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BSON, Int32, Long } from 'mongodb'
import {
  ArchiveError,
  decodeCollectionEntry,
  decodeHeader,
  decodeNamespaceHeader,
  encodeCollectionEntry,
  encodeHeader,
  encodeNamespaceHeader,
  magicBytes,
  TERMINATOR,
} from '../../scripts/lib/backup/archive-format.ts'

const raw = (b: Uint8Array) => BSON.deserialize(b, { promoteValues: false })

test('the magic number is little-endian 0x8199e26d and the terminator is four 0xff bytes', () => {
  assert.is(magicBytes().toString('hex'), '6de29981')
  assert.is(TERMINATOR.toString('hex'), 'ffffffff')
})

test("the header carries mongodump's snake_case fields, concurrent_collections as an int32, and reads back", () => {
  const h = { concurrentCollections: 4, version: '0.1', serverVersion: '7.0.42', toolVersion: '100.10.0' }
  const bytes = encodeHeader(h)
  const fields = raw(bytes)
  assert.equal(Object.keys(fields), ['concurrent_collections', 'version', 'server_version', 'tool_version'])
  assert.instance(fields.concurrent_collections, Int32)
  assert.equal(decodeHeader(bytes), h)
})

test('a header from another tool with fields missing reads as one collection at a time and empty versions', () => {
  assert.equal(decodeHeader(BSON.serialize({})), {
    concurrentCollections: 1,
    version: '',
    serverVersion: '',
    toolVersion: '',
  })
})

test('a collection entry keeps its size as int32 up to 2^31-1 and as int64 beyond, and reads back', () => {
  for (const [size, type] of [
    [0, Int32],
    [0x7fffffff, Int32],
    [0x80000000, Long],
    [5 * 2 ** 40, Long],
  ] as const) {
    const entry = { db: 'clinic', collection: 'rendez-vous é', metadata: '{"indexes":[]}', size, type: 'view' }
    const bytes = encodeCollectionEntry(entry)
    assert.instance(raw(bytes).size, type, String(size))
    assert.equal(decodeCollectionEntry(bytes), entry)
  }
})

test('a namespace header carries EOF and the CRC as an int64, negative values included, and reads back', () => {
  for (const crc of [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
    const h = { db: 'd', collection: 'c', eof: true, crc }
    const bytes = encodeNamespaceHeader(h)
    assert.equal(Object.keys(raw(bytes)), ['db', 'collection', 'EOF', 'CRC'])
    assert.instance(raw(bytes).CRC, Long)
    assert.equal(decodeNamespaceHeader(bytes), h)
  }
  assert.equal(decodeNamespaceHeader(encodeNamespaceHeader({ db: 'd', collection: 'c', eof: false, crc: 0n })), {
    db: 'd',
    collection: 'c',
    eof: false,
    crc: 0n,
  })
})

test('entries and namespace headers without db or collection are refused as a broken archive', () => {
  for (const doc of [{ collection: 'c' }, { db: 'd' }, { db: 1, collection: 'c' }]) {
    assert.throws(
      () => decodeCollectionEntry(BSON.serialize(doc)),
      (e: Error) =>
        e instanceof ArchiveError && e.message === 'archive prelude has a collection entry without db or collection',
    )
    assert.throws(
      () => decodeNamespaceHeader(BSON.serialize(doc)),
      (e: Error) =>
        e instanceof ArchiveError && e.message === 'archive has a namespace header without db or collection',
    )
  }
})

test.run()
