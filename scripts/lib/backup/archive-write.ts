// Encodes namespaces of raw BSON documents into a mongodump-compatible archive, as a stream of Buffers — pure (no I/O).
import { Crc64 } from './crc64.ts'
import {
  encodeCollectionEntry,
  encodeHeader,
  encodeNamespaceHeader,
  magicBytes,
  TERMINATOR,
  type ArchiveHeader,
  type CollectionEntry,
} from './archive-format.ts'

/** A collection to write: its prelude entry and its documents as raw BSON, in batches. */
export type NamespaceInput = { entry: CollectionEntry; documents: () => AsyncIterable<Buffer[]> }
export type NamespaceWritten = { db: string; collection: string; count: number; bytes: number; crc: bigint }

/**
 * Yields the archive: the prelude for every namespace first, then each namespace's documents in one segment
 * and its EOF header with the CRC-64 of its documents (what mongorestore checks).
 */
export async function* encodeArchive(
  header: ArchiveHeader,
  namespaces: NamespaceInput[],
  onNamespace: (done: NamespaceWritten) => void = () => {},
): AsyncGenerator<Buffer> {
  yield Buffer.concat([
    magicBytes(),
    encodeHeader(header),
    ...namespaces.map((n) => encodeCollectionEntry(n.entry)),
    TERMINATOR,
  ])
  for (const { entry, documents } of namespaces) {
    const crc = new Crc64()
    let count = 0
    let bytes = 0
    for await (const batch of documents()) {
      if (batch.length === 0) continue
      const parts: Buffer[] = []
      // Like mongodump, open a segment only when there is a document, so empty collections are just an EOF.
      if (count === 0)
        parts.push(encodeNamespaceHeader({ db: entry.db, collection: entry.collection, eof: false, crc: 0n }))
      for (const doc of batch) {
        crc.update(doc)
        bytes += doc.length
        parts.push(doc)
      }
      count += batch.length
      yield parts.length === 1 ? parts[0] : Buffer.concat(parts)
    }
    const eof = encodeNamespaceHeader({ db: entry.db, collection: entry.collection, eof: true, crc: crc.value() })
    yield Buffer.concat(count ? [TERMINATOR, eof, TERMINATOR] : [eof, TERMINATOR])
    onNamespace({ db: entry.db, collection: entry.collection, count, bytes, crc: crc.value() })
  }
}
