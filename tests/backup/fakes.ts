// In-memory stand-ins for MongoSource, BackupStore, HeartbeatSink and RestoreTarget, for the backup unit tests (no I/O).
import { Readable } from 'node:stream'
import { BSON } from 'mongodb'
import type { BackupStore, StoredObject } from '../../scripts/lib/aws/backup-store.ts'
import type { HeartbeatSink, Heartbeat } from '../../scripts/lib/aws/backup-heartbeat.ts'
import type { MongoSource, SourceCollection } from '../../scripts/lib/mongo/source.ts'
import type { RestoreTarget } from '../../scripts/lib/mongo/sink.ts'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'
import type { Backup } from '../../scripts/lib/config/model.ts'
import { runBackup } from '../../scripts/lib/backup/run-backup.ts'

export const policy: Backup = {
  instanceGroup: 'database',
  schedule: '0 0 * * *',
  timezone: 'UTC',
  retentionDays: 15,
  rpoHours: 24,
  rtoHours: 2,
  expectedMinutes: 20,
  bucket: 'b',
  prefix: 'backups',
  kmsKey: 'alias/k',
  compression: 'gzip',
}

export const doc = (o: object) => Buffer.from(BSON.serialize(o))

/** A real backup of `env` taken at `at` into `store` (its bucket in the policy), of these namespaces' documents. */
export const backupAt = (store: BackupStore, env: string, at: string, namespaces: Record<string, Buffer[]>) =>
  runBackup(
    env,
    { ...policy, bucket: store.bucket },
    {
      source: fakeSource(namespaces),
      store,
      heartbeat: memoryHeartbeat(),
      now: () => new Date(at),
      progress: () => {},
    },
  )

export function fakeSource(data: Record<string, Buffer[]>, failAfter?: number): MongoSource {
  return {
    serverVersion: async () => '7.0.0',
    dataSize: async () =>
      Object.values(data)
        .flat()
        .reduce((n, d) => n + d.length, 0),
    listCollections: async () =>
      Object.keys(data)
        .sort()
        .map((ns): SourceCollection => {
          const [db, name] = ns.split('.')
          return { db, name, type: 'collection', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] }
        }),
    async *documents(db, c) {
      let n = 0
      for (const d of data[`${db}.${c}`]) {
        if (failAfter !== undefined && n++ >= failAfter) throw new Error('connection 3 to 127.0.0.1:27017 closed')
        yield [d]
      }
    },
  }
}

export type MemoryStore = BackupStore & { objects: Map<string, Buffer>; writes: string[] }
export function memoryStore(opts: { failUpload?: boolean } = {}): MemoryStore {
  const objects = new Map<string, Buffer>()
  const writes: string[] = []
  return {
    bucket: 'b',
    objects,
    writes,
    async upload(key, body) {
      const parts: Buffer[] = []
      for await (const c of body) {
        parts.push(c as Buffer)
        if (opts.failUpload && parts.length > 0) {
          body.destroy()
          throw new Error('InternalError: We encountered an internal error')
        }
      }
      objects.set(key, Buffer.concat(parts))
      writes.push(key)
    },
    async putJson(key, value) {
      objects.set(key, Buffer.from(JSON.stringify(value)))
      writes.push(key)
    },
    async getJson(key) {
      const b = objects.get(key)
      return b ? JSON.parse(b.toString()) : undefined
    },
    async download(key) {
      return Readable.from([objects.get(key)!])
    },
    async list(prefix) {
      return [...objects.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((key): StoredObject => ({ key, size: objects.get(key)!.length, lastModified: new Date() }))
    },
    async delete(keys) {
      keys.forEach((k) => objects.delete(k))
    },
  }
}

export const memoryHeartbeat = (): HeartbeatSink & { beats: Heartbeat[] } => {
  const beats: Heartbeat[] = []
  return { beats, record: async (b) => void beats.push(b) }
}

export function memoryTarget(): RestoreTarget & { log: string[]; docs: Map<string, Buffer[]> } {
  const log: string[] = []
  const docs = new Map<string, Buffer[]>()
  const made = new Map<string, string[]>()
  return {
    log,
    docs,
    async prepare(db, c, _o, drop) {
      log.push(`prepare ${db}.${c}${drop ? ' drop' : ''}`)
      if (drop) docs.delete(`${db}.${c}`)
      return this.observe(db, c)
    },
    async insert(db, c, batch) {
      log.push(`insert ${db}.${c} ${batch.length}`)
      docs.set(`${db}.${c}`, [...(docs.get(`${db}.${c}`) ?? []), ...batch])
    },
    async createIndexes(db, c, indexes) {
      log.push(`indexes ${db}.${c} ${indexes.length}`)
      made.set(
        `${db}.${c}`,
        indexes.map((i) => String(i.name)),
      )
      return indexes.filter((i) => i.name !== '_id_').length
    },
    async observe(db, c) {
      const held = docs.get(`${db}.${c}`) ?? []
      const hash = new ContentHash()
      for (const d of held) hash.add(d)
      return { count: held.length, contentHash: hash.hex(), indexes: made.get(`${db}.${c}`) ?? [] }
    },
  }
}
