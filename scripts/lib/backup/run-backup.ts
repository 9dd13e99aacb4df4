// One backup: stream every collection as raw BSON into a gzip'd mongodump archive in S3, then the manifest, then the heartbeat.
// I/O only through the MongoSource, BackupStore and HeartbeatSink handed in.
import { PassThrough, Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { Backup } from '../config/model.ts'
import type { BackupStore } from '../aws/backup-store.ts'
import type { HeartbeatSink } from '../aws/backup-heartbeat.ts'
import { metadataJson, type MongoSource } from '../mongo/source.ts'
import { FORMAT_VERSION } from './archive-format.ts'
import { encodeArchive, type NamespaceInput } from './archive-write.ts'
import { ContentHash } from './content-hash.ts'
import { archiveKey, manifestKeyFor, type CollectionManifest, type Manifest } from './manifest.ts'
import { Meter, type ProgressSink } from './progress.ts'
import { gcEvery } from './memory.ts'
import { hashTap } from './hash-tap.ts'

export const TOOL_VERSION = 'drsignet-backup 1.0'

export type BackupDeps = {
  source: MongoSource
  store: BackupStore
  heartbeat: HeartbeatSink
  now?: () => Date
  progress: ProgressSink
  gzipLevel?: number
}

export class BackupFailed extends Error {}

export async function runBackup(environment: string, policy: Backup, deps: BackupDeps): Promise<Manifest> {
  const now = deps.now ?? (() => new Date())
  const started = now()
  const key = archiveKey(policy, environment, started)
  const [serverVersion, collections] = await Promise.all([
    deps.source.serverVersion(),
    deps.source.listCollections(policy.databases),
  ])
  // An empty backup would look good and restore nothing: a wrong include list must fail, not pass quietly.
  if (!collections.length)
    throw new BackupFailed(
      `nothing to back up: no collections in ${policy.databases?.length ? `the policy's databases (${policy.databases.join(', ')})` : 'any user database'}`,
    )
  for (const db of policy.databases ?? [])
    if (!collections.some((c) => c.db === db))
      deps.progress(`backup: warning: database ${db} from the policy has no collections`)
  const dataSize = await deps.source.dataSize([...new Set(collections.map((c) => c.db))])
  deps.progress(
    `backup: ${collections.length} collection(s), ${dataSize === undefined ? 'data size unknown (no dbStats)' : `about ${(dataSize / 1048576).toFixed(1)} MB of data`}`,
  )
  const meter = new Meter('backup', deps.progress)
  const bounded = gcEvery()
  const perNs = new Map<string, CollectionManifest>()
  const hashes = new Map<string, ContentHash>()

  let sourceError: Error | undefined
  async function* catchSource<T>(it: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* it
    } catch (e) {
      sourceError = e as Error
      throw e
    }
  }
  const inputs: NamespaceInput[] = collections.map((c) => ({
    entry: { db: c.db, collection: c.name, metadata: metadataJson(c), size: 0, type: '' },
    documents: async function* () {
      const h = new ContentHash()
      hashes.set(`${c.db}.${c.name}`, h)
      for await (const batch of catchSource(deps.source.documents(c.db, c.name))) {
        let bytes = 0
        for (const d of batch) {
          h.add(d)
          bytes += d.length
        }
        meter.add(batch.length, bytes)
        bounded(bytes, batch.length)
        yield batch
      }
    },
  }))
  const onNamespace = (w: { db: string; collection: string; count: number; bytes: number; crc: bigint }) => {
    const c = collections.find((x) => x.db === w.db && x.name === w.collection)!
    perNs.set(`${w.db}.${w.collection}`, {
      name: w.collection,
      count: w.count,
      rawBytes: w.bytes,
      crc: w.crc.toString(),
      contentHash: hashes.get(`${w.db}.${w.collection}`)!.hex(),
      indexes: JSON.parse(metadataJson(c)).indexes,
      options: JSON.parse(metadataJson(c)).options ?? {},
    })
  }

  const tap = hashTap((total) => void (meter.extraBytes = total))
  const header = { concurrentCollections: 1, version: FORMAT_VERSION, serverVersion, toolVersion: TOOL_VERSION }
  const archive = Readable.from(encodeArchive(header, inputs, onNamespace), { objectMode: false, highWaterMark: 1 })
  const body = new PassThrough()
  const stages =
    policy.compression === 'gzip'
      ? [archive, createGzip({ level: deps.gzipLevel ?? 6 }), tap.stream, body]
      : [archive, tap.stream, body]
  // The upload consumes `body`; a failure on either side fails both, and the partial upload is aborted.
  const produced = pipeline(stages as [Readable, ...Transform[]])
  // Compressed output never exceeds the raw BSON by more than gzip's few bytes per block, so the raw size bounds it.
  const uploaded = deps.store.upload(key, body, { expectedBytes: dataSize })
  const [p, u] = await Promise.allSettled([produced, uploaded])
  if (sourceError) throw new BackupFailed(`reading the database failed: ${sourceError.message}`)
  if (u.status === 'rejected')
    throw new BackupFailed(`uploading s3://${deps.store.bucket}/${key} failed: ${(u.reason as Error).message}`)
  if (p.status === 'rejected') throw new BackupFailed(`writing the archive failed: ${(p.reason as Error).message}`)

  const ended = now()
  const dbNames = [...new Set(collections.map((c) => c.db))]
  const manifest: Manifest = {
    format: 'drsignet-backup/1',
    environment,
    bucket: deps.store.bucket,
    key,
    compression: policy.compression,
    databases: dbNames.map((name) => ({
      name,
      collections: collections.filter((c) => c.db === name).map((c) => perNs.get(`${c.db}.${c.name}`)!),
    })),
    documents: meter.docs,
    rawBytes: meter.bytes,
    compressedBytes: tap.bytes(),
    sha256: tap.sha256(),
    serverVersion,
    toolVersion: TOOL_VERSION,
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    durationMs: ended.getTime() - started.getTime(),
  }
  // Last: an archive without its manifest is not a backup.
  await deps.store.putJson(manifestKeyFor(key), manifest)
  deps.progress(meter.line())
  await deps.heartbeat.record({
    environment,
    key,
    endedAt: manifest.endedAt,
    documents: manifest.documents,
    compressedBytes: manifest.compressedBytes,
  })
  return manifest
}
