// The mongodump archive format's constants and small documents (prelude header, collection metadata, namespace headers) — pure.
// Layout: magic · header · metadata docs · 0xFFFFFFFF · (namespace header · documents · 0xFFFFFFFF | EOF header · 0xFFFFFFFF)*
import { BSON, Int32, Long } from 'mongodb'

export const MAGIC = 0x8199e26d
export const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff])
export const FORMAT_VERSION = '0.1'

export type ArchiveHeader = {
  concurrentCollections: number
  version: string
  serverVersion: string
  toolVersion: string
}
/** One collection's entry in the prelude; `metadata` is canonical Extended JSON with options, indexes and name. */
export type CollectionEntry = { db: string; collection: string; metadata: string; size: number; type: string }
export type NamespaceHeader = { db: string; collection: string; eof: boolean; crc: bigint }

export class ArchiveError extends Error {}

export const magicBytes = (): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(MAGIC)
  return b
}

export const encodeHeader = (h: ArchiveHeader): Buffer =>
  Buffer.from(
    BSON.serialize({
      concurrent_collections: new Int32(h.concurrentCollections),
      version: h.version,
      server_version: h.serverVersion,
      tool_version: h.toolVersion,
    }),
  )

export const encodeCollectionEntry = (c: CollectionEntry): Buffer =>
  Buffer.from(
    BSON.serialize({
      db: c.db,
      collection: c.collection,
      metadata: c.metadata,
      size: c.size <= 0x7fffffff ? new Int32(c.size) : Long.fromNumber(c.size),
      type: c.type,
    }),
  )

export const encodeNamespaceHeader = (h: NamespaceHeader): Buffer =>
  Buffer.from(BSON.serialize({ db: h.db, collection: h.collection, EOF: h.eof, CRC: Long.fromBigInt(h.crc) }))

const opts = { promoteLongs: false, useBigInt64: false } as const

export function decodeHeader(doc: Uint8Array): ArchiveHeader {
  const d = BSON.deserialize(doc, opts)
  return {
    concurrentCollections: Number(d.concurrent_collections ?? 1),
    version: String(d.version ?? ''),
    serverVersion: String(d.server_version ?? ''),
    toolVersion: String(d.tool_version ?? ''),
  }
}

export function decodeCollectionEntry(doc: Uint8Array): CollectionEntry {
  const d = BSON.deserialize(doc, opts)
  if (typeof d.db !== 'string' || typeof d.collection !== 'string')
    throw new ArchiveError('archive prelude has a collection entry without db or collection')
  return {
    db: d.db,
    collection: d.collection,
    metadata: String(d.metadata ?? ''),
    size: Number(d.size ?? 0),
    type: String(d.type ?? ''),
  }
}

export function decodeNamespaceHeader(doc: Uint8Array): NamespaceHeader {
  const d = BSON.deserialize(doc, opts)
  if (typeof d.db !== 'string' || typeof d.collection !== 'string')
    throw new ArchiveError('archive has a namespace header without db or collection')
  const crc = d.CRC instanceof Long ? d.CRC.toBigInt() : BigInt(d.CRC ?? 0)
  return { db: d.db, collection: d.collection, eof: d.EOF === true, crc }
}
