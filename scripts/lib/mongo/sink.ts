// Writes restored collections into MongoDB: create or drop, insert raw BSON batches, build indexes, read back (I/O: the database).
import { BSON, MongoServerError, type MongoClient } from 'mongodb'
import { ContentHash } from '../backup/content-hash.ts'
import { gcEvery } from '../backup/memory.ts'
import { rawDocuments } from './document-sequence.ts'
import { mongoSource } from './source.ts'

const { EJSON } = BSON

/** What a collection holds: its documents' count and order-independent content hash, and its index names. */
export type Observation = { count: number; contentHash: string; indexes: string[] }
export const EMPTY: Observation = Object.freeze({ count: 0, contentHash: new ContentHash().hex(), indexes: [] })

/** What a restore writes to; tests may hand in another implementation. */
export interface RestoreTarget {
  /** Creates the collection (dropping it first with `drop`) and says what it already held, so the proof can add it. */
  prepare(db: string, collection: string, options: Record<string, unknown>, drop: boolean): Promise<Observation>
  /** Inserts the documents with exactly these bytes, in order. */
  insert(db: string, collection: string, docs: Buffer[]): Promise<void>
  createIndexes(db: string, collection: string, indexes: Record<string, unknown>[]): Promise<number>
  /** Reads the collection back: what the restore's proof compares with the archive. */
  observe(db: string, collection: string): Promise<Observation>
}

export class RestoreWriteError extends Error {}

/** A document's _id for a message: canonical Extended JSON, so a null or a date beyond Date's range shows as it is. */
export function idOf(doc: Uint8Array): string {
  // js-bson turns a datetime beyond Date's range into NaN; the server keeps _id first, so read that one from the bytes.
  const b = Buffer.from(doc.buffer, doc.byteOffset, doc.byteLength)
  if (b.length >= 17 && b[4] === 0x09 && b.toString('latin1', 5, 9) === '_id\0')
    return `{"$date":{"$numberLong":"${b.readBigInt64LE(9)}"}}`
  try {
    const d = BSON.deserialize(doc, {
      promoteValues: false,
      promoteLongs: false,
      promoteBuffers: false,
      bsonRegExp: true,
    })
    return '_id' in d ? EJSON.stringify(d._id, { relaxed: false }) : '(no _id)'
  } catch {
    return '(an _id the BSON library cannot show)'
  }
}

type InsertReply = {
  n?: number
  writeErrors?: { index: number; code?: number; errmsg?: string }[]
  writeConcernError?: { code?: number; errmsg?: string }
}

export const mongoTarget = (client: MongoClient): RestoreTarget => {
  const target: RestoreTarget = {
    async prepare(db, collection, options, drop) {
      const d = client.db(db)
      if (drop)
        await d
          .collection(collection)
          .drop()
          .catch((e) => {
            if (!(e instanceof MongoServerError && (e.code === 26 || /ns not found/i.test(e.message)))) throw e
          })
      try {
        await d.createCollection(collection, options)
        return EMPTY
      } catch (e) {
        if (!(e instanceof MongoServerError && e.code === 48)) throw e // 48: already exists
      }
      return target.observe(db, collection)
    },

    async insert(db, collection, docs) {
      // The driver's insertMany would re-encode each document (see document-sequence.ts); this sends the archive's bytes.
      const reply = (await client
        .db(db)
        .command({ insert: collection, ordered: true, documents: rawDocuments('documents', docs) })) as InsertReply
      const w = reply.writeErrors?.[0]
      if (w) {
        const at = `${db}.${collection}: document _id ${idOf(docs[w.index]!)}`
        if (w.code === 11000)
          throw new RestoreWriteError(
            `${at} is already there (${w.errmsg}); restore into an empty target or pass --drop`,
          )
        throw new RestoreWriteError(`${at} was refused: ${w.errmsg ?? `code ${w.code}`}`)
      }
      // Written, but not acknowledged as the write concern asks (a replica set without its majority): not restored.
      if (reply.writeConcernError)
        throw new RestoreWriteError(
          `${db}.${collection}: the write concern failed: ${reply.writeConcernError.errmsg ?? `code ${reply.writeConcernError.code}`}`,
        )
      if (reply.n !== docs.length)
        throw new RestoreWriteError(
          `${db}.${collection}: the server stored ${reply.n} of ${docs.length} documents without saying why`,
        )
    },

    async createIndexes(db, collection, indexes) {
      const specs = indexes.filter((i) => i.name !== '_id_').map(({ v: _v, ns: _ns, ...rest }) => rest)
      if (!specs.length) return 0
      await client.db(db).command({ createIndexes: collection, indexes: specs })
      return specs.length
    },

    async observe(db, collection) {
      const hash = new ContentHash()
      let count = 0
      // From the primary, whatever the URI prefers: the proof reads what was just written, not a lagging secondary.
      const bounded = gcEvery()
      for await (const batch of mongoSource(client, 1000, 'primary').documents(db, collection)) {
        let bytes = 0
        for (const d of batch) (hash.add(d), (bytes += d.length))
        count += batch.length
        bounded(bytes, batch.length)
      }
      const indexes = (await client.db(db).collection(collection).listIndexes().toArray())
        .map((i) => String(i.name))
        .sort()
      return { count, contentHash: hash.hex(), indexes }
    },
  }
  return target
}

/** Index specs out of a metadata string (canonical Extended JSON), decoded to driver values. */
export function parseMetadata(metadata: string): {
  options: Record<string, unknown>
  indexes: Record<string, unknown>[]
} {
  if (!metadata) return { options: {}, indexes: [] }
  const m = EJSON.parse(metadata, { relaxed: false }) as {
    options?: Record<string, unknown>
    indexes?: Record<string, unknown>[]
  }
  return { options: m.options ?? {}, indexes: m.indexes ?? [] }
}
