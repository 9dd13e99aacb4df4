// Reads what a backup needs from MongoDB: namespaces, options, index specs and documents as raw BSON (I/O: the database).
import { BSON, type MongoClient } from 'mongodb'

const { EJSON } = BSON

export const SYSTEM_DATABASES = ['admin', 'local', 'config']

export type SourceCollection = {
  db: string
  name: string
  type: string
  options: Record<string, unknown>
  uuid?: string
  indexes: Record<string, unknown>[]
}

/** What a backup reads; tests may hand in another implementation. */
export interface MongoSource {
  serverVersion(): Promise<string>
  listCollections(include?: string[]): Promise<SourceCollection[]>
  /** Raw BSON documents, in the batches the server sends (no decode). */
  documents(db: string, collection: string): AsyncIterable<Buffer[]>
  /** The databases' uncompressed data size in bytes as the server reports it, or undefined when it will not say. */
  dataSize(dbs: string[]): Promise<number | undefined>
}

export const mongoSource = (client: MongoClient, batchSize = 1000, readPreference?: 'primary'): MongoSource => ({
  async serverVersion() {
    const info = await client.db('admin').command({ buildInfo: 1 })
    return String(info.version ?? 'unknown')
  },

  async listCollections(include) {
    const dbs = include?.length
      ? [...include].sort()
      : (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases
          .map((d) => d.name)
          .filter((n) => !SYSTEM_DATABASES.includes(n))
          .sort()
    const out: SourceCollection[] = []
    for (const db of dbs) {
      const infos = await client.db(db).listCollections({}, { nameOnly: false }).toArray()
      for (const info of infos.sort((a, b) => a.name.localeCompare(b.name))) {
        // system.* collections belong to the server; views and time series are not in this platform's data.
        if (info.name.startsWith('system.') || (info.type && info.type !== 'collection')) continue
        const indexes = await client.db(db).collection(info.name).listIndexes().toArray()
        const uuid = (info as { info?: { uuid?: { toHexString?: () => string } } }).info?.uuid
        out.push({
          db,
          name: info.name,
          type: 'collection',
          options: (info as { options?: Record<string, unknown> }).options ?? {},
          uuid: uuid?.toHexString?.(),
          indexes,
        })
      }
    }
    return out
  },

  async dataSize(dbs) {
    try {
      let total = 0
      for (const db of dbs) total += Number((await client.db(db).command({ dbStats: 1 })).dataSize ?? NaN)
      return Number.isFinite(total) ? total : undefined
    } catch {
      return undefined // a user without dbStats still gets its backup, with the default part size
    }
  },

  async *documents(db, collection) {
    // raw: the driver hands each document as the bytes the server sent; find<Buffer> says so to the compiler.
    const cursor = client
      .db(db)
      .collection(collection)
      .find<Buffer>({}, { raw: true, batchSize, ...(readPreference && { readPreference }) })
    let failed = false
    try {
      while (await cursor.hasNext()) yield cursor.readBufferedDocuments()
    } catch (e) {
      failed = true
      throw e
    } finally {
      // After a network failure, closing would wait for server selection; the server reaps the cursor itself.
      const closing = cursor.close().catch(() => {})
      if (!failed) await closing
    }
  },
})

/** The collection's metadata as mongodump writes it: canonical Extended JSON of options, indexes, uuid, name, type. */
export function metadataJson(c: SourceCollection): string {
  const meta: Record<string, unknown> = {}
  if (Object.keys(c.options).length) meta.options = c.options
  meta.indexes = c.indexes
  if (c.uuid) meta.uuid = c.uuid
  meta.collectionName = c.name
  meta.type = c.type
  return EJSON.stringify(meta, { relaxed: false })
}
