// Fingerprints every user collection on a server: count, order-independent content hash, index specs (I/O: the database).
import { MongoClient } from 'mongodb'
import { ContentHash } from '../../../scripts/lib/backup/content-hash.ts'
import { mongoSource } from '../../../scripts/lib/mongo/source.ts'

export type Fingerprint = Record<string, { count: number; hash: string; indexes: string[] }>

export async function fingerprint(uri: string, dbs?: string[]): Promise<Fingerprint> {
  const client = await MongoClient.connect(uri)
  try {
    const source = mongoSource(client)
    const out: Fingerprint = {}
    for (const c of await source.listCollections(dbs)) {
      const h = new ContentHash()
      let count = 0
      for await (const batch of source.documents(c.db, c.name)) for (const d of batch) (h.add(d), count++)
      const indexes = c.indexes
        .map((i) =>
          JSON.stringify({ name: i.name, key: i.key, unique: i.unique, expireAfterSeconds: i.expireAfterSeconds }),
        )
        .sort()
      out[`${c.db}.${c.name}`] = { count, hash: h.hex(), indexes }
    }
    return out
  } finally {
    await client.close()
  }
}

export async function databaseNames(uri: string): Promise<string[]> {
  const client = await MongoClient.connect(uri)
  try {
    return (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases
      .map((d) => d.name)
      .filter((n) => !['admin', 'local', 'config'].includes(n))
      .sort()
  } finally {
    await client.close()
  }
}
