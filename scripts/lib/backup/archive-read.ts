// Decodes a mongodump archive (ours or mongodump's) from a stream of Buffers into events, checking structure and CRCs — pure.
import { Crc64 } from './crc64.ts'
import {
  ArchiveError,
  decodeCollectionEntry,
  decodeHeader,
  decodeNamespaceHeader,
  MAGIC,
  type ArchiveHeader,
  type CollectionEntry,
} from './archive-format.ts'

export type ArchiveEvent =
  | { kind: 'prelude'; header: ArchiveHeader; collections: CollectionEntry[] }
  | { kind: 'documents'; db: string; collection: string; docs: Buffer[] }
  | { kind: 'end'; db: string; collection: string; count: number; bytes: number; crc: bigint }

const MAX_DOC = 64 * 1024 * 1024 // a little over the 16 MiB server limit plus headroom; anything bigger is corruption

/** Pulls chunks on demand and hands out exact byte ranges, concatenating only when a value spans chunks. */
class ByteSource {
  private head: Buffer = Buffer.alloc(0)
  private off = 0
  private done = false
  constructor(private readonly it: AsyncIterator<Buffer | Uint8Array>) {}

  get available() {
    return this.head.length - this.off
  }

  async need(n: number): Promise<boolean> {
    if (this.available >= n) return true
    const parts = [this.head.subarray(this.off)]
    let have = this.available
    while (have < n && !this.done) {
      const r = await this.it.next()
      if (r.done) this.done = true
      else {
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value)
        parts.push(b)
        have += b.length
      }
    }
    this.head = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    this.off = 0
    return have >= n
  }

  int32(): number {
    return this.head.readInt32LE(this.off)
  }

  take(n: number): Buffer {
    const b = this.head.subarray(this.off, this.off + n)
    this.off += n
    return b
  }
}

const docSize = (src: ByteSource, where: string): number => {
  const size = src.int32()
  if (size < 5 || size > MAX_DOC)
    throw new ArchiveError(`archive is corrupt: a BSON document of ${size} bytes in ${where}`)
  return size
}

/** Reads a whole document, or null for the 0xFFFFFFFF terminator. */
async function readDocOrTerminator(src: ByteSource, where: string): Promise<Buffer | null> {
  if (!(await src.need(4))) throw new ArchiveError(`archive is truncated in ${where}`)
  if (src.int32() === -1) {
    src.take(4)
    return null
  }
  const size = docSize(src, where)
  if (!(await src.need(size))) throw new ArchiveError(`archive is truncated in ${where}`)
  const doc = src.take(size)
  if (doc[size - 1] !== 0)
    throw new ArchiveError(`archive is corrupt: a BSON document in ${where} does not end with 0x00`)
  return doc
}

export async function* decodeArchive(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<ArchiveEvent> {
  const src = new ByteSource(chunks[Symbol.asyncIterator]())
  if (!(await src.need(4)) || src.take(4).readUInt32LE() !== MAGIC)
    throw new ArchiveError('not a mongodump archive (bad magic number)')
  const headerDoc = await readDocOrTerminator(src, 'the prelude')
  if (!headerDoc) throw new ArchiveError('archive prelude has no header')
  const header = decodeHeader(headerDoc)
  const collections: CollectionEntry[] = []
  for (let d = await readDocOrTerminator(src, 'the prelude'); d; d = await readDocOrTerminator(src, 'the prelude'))
    collections.push(decodeCollectionEntry(d))
  yield { kind: 'prelude', header, collections }

  const stats = new Map<string, { crc: Crc64; count: number; bytes: number }>()
  const statsOf = (ns: string) => {
    let s = stats.get(ns)
    if (!s) stats.set(ns, (s = { crc: new Crc64(), count: 0, bytes: 0 }))
    return s
  }
  const ended = new Set<string>()
  while (await src.need(1)) {
    const hdrDoc = await readDocOrTerminator(src, 'a namespace header')
    if (!hdrDoc) throw new ArchiveError('archive is corrupt: a terminator where a namespace header belongs')
    const h = decodeNamespaceHeader(hdrDoc)
    const ns = `${h.db}.${h.collection}`
    const where = `namespace ${ns}`
    if (ended.has(ns)) throw new ArchiveError(`archive is corrupt: data for ${ns} after its EOF`)
    const s = statsOf(ns)
    if (h.eof) {
      if ((await readDocOrTerminator(src, where)) !== null)
        throw new ArchiveError(`archive is corrupt: no terminator after the EOF of ${ns}`)
      const crc = s.crc.value()
      if (crc !== h.crc)
        throw new ArchiveError(`archive is corrupt: CRC mismatch for ${ns} (computed ${crc}, recorded ${h.crc})`)
      ended.add(ns)
      yield { kind: 'end', db: h.db, collection: h.collection, count: s.count, bytes: s.bytes, crc }
      continue
    }
    // Body: documents until the terminator, yielded per batch of what is already buffered.
    for (;;) {
      const first = await readDocOrTerminator(src, where)
      if (!first) break
      const docs = [first]
      let bytes = first.length
      while (src.available >= 4 && src.int32() !== -1 && docs.length < 1000) {
        const size = docSize(src, where)
        if (src.available < size) break
        const d = src.take(size)
        if (d[size - 1] !== 0)
          throw new ArchiveError(`archive is corrupt: a BSON document in ${where} does not end with 0x00`)
        docs.push(d)
        bytes += size
      }
      for (const d of docs) s.crc.update(d)
      s.count += docs.length
      s.bytes += bytes
      yield { kind: 'documents', db: h.db, collection: h.collection, docs }
    }
  }
  // Views carry metadata only, so only collections must have ended.
  const missing = collections
    .filter((c) => c.type !== 'view')
    .map((c) => `${c.db}.${c.collection}`)
    .filter((ns) => !ended.has(ns))
  if (missing.length) throw new ArchiveError(`archive is truncated: no EOF for ${missing.join(', ')}`)
}
