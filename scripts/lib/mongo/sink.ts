// Writes restored collections into MongoDB: create or drop, insert decoded batches, build indexes (I/O: the database).
import { BSON, MongoServerError, type Document, type MongoClient } from 'mongodb'

const { EJSON } = BSON

/** What a restore writes to; tests may hand in another implementation. */
export interface RestoreTarget {
  prepare(db: string, collection: string, options: Record<string, unknown>, drop: boolean): Promise<void>
  insert(db: string, collection: string, docs: Buffer[]): Promise<void>
  createIndexes(db: string, collection: string, indexes: Record<string, unknown>[]): Promise<number>
}

// Keep every BSON type as it was (Int32 stays Int32, Long stays Long, regexes stay BSON regexes).
const exact = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const
export const decodeExact = (doc: Uint8Array): Document => BSON.deserialize(doc, exact)

export class RestoreWriteError extends Error {}

export const mongoTarget = (client: MongoClient): RestoreTarget => ({
  async prepare(db, collection, options, drop) {
    const d = client.db(db)
    if (drop) await d.collection(collection).drop().catch((e) => {
      if (!(e instanceof MongoServerError && (e.code === 26 || /ns not found/i.test(e.message)))) throw e
    })
    try {
      await d.createCollection(collection, options)
    } catch (e) {
      if (!(e instanceof MongoServerError && e.code === 48)) throw e // 48: already exists
    }
  },

  async insert(db, collection, docs) {
    try {
      await client.db(db).collection(collection).insertMany(docs.map(decodeExact), { ordered: true, checkKeys: false, forceServerObjectId: false })
    } catch (e) {
      if (e instanceof MongoServerError && e.code === 11000) throw new RestoreWriteError(`${db}.${collection}: duplicate key (${e.message}); restore into an empty target or pass --drop`)
      throw e
    }
  },

  async createIndexes(db, collection, indexes) {
    const specs = indexes
      .filter((i) => i.name !== '_id_')
      .map(({ v: _v, ns: _ns, ...rest }) => rest)
    if (!specs.length) return 0
    await client.db(db).command({ createIndexes: collection, indexes: specs })
    return specs.length
  },
})

/** Index specs out of a metadata string (canonical Extended JSON), decoded to driver values. */
export function parseMetadata(metadata: string): { options: Record<string, unknown>; indexes: Record<string, unknown>[] } {
  if (!metadata) return { options: {}, indexes: [] }
  const m = EJSON.parse(metadata, { relaxed: false }) as { options?: Record<string, unknown>; indexes?: Record<string, unknown>[] }
  return { options: m.options ?? {}, indexes: m.indexes ?? [] }
}
