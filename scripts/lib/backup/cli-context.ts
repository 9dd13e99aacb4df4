// Shared wiring for the backup commands: read the policy, build the S3 store, connect to MongoDB without leaking the URI (I/O).
import { existsSync } from 'node:fs'
import { MongoClient } from 'mongodb'
import { readModel } from '../config/read.ts'
import type { Backup } from '../config/model.ts'
import { backupS3Client, s3BackupStore, type BackupStore } from '../aws/backup-store.ts'
import { redactError } from '../mongo/redact.ts'
import { parseMongoUri, tlsPolicy } from '../mongo/tls-policy.ts'
import { envPrefix } from './manifest.ts'

export type BackupContext = { env: string; region: string; policy: Backup; store: BackupStore; prefix: string }

export function backupContext(root: string, env: string): BackupContext {
  const model = readModel(root, env)
  const policy = model.env.backup
  const store = s3BackupStore(backupS3Client(model.env.region), policy.bucket, policy.kmsKey)
  return { env, region: model.env.region, policy, store, prefix: envPrefix(policy, env) }
}

/** Connects as tlsPolicy allows: TLS off the host, verification always on; MONGODB_TLS_CA_FILE names the CA. */
export async function connectMongo(uri: string, caFile = process.env.MONGODB_TLS_CA_FILE || undefined): Promise<MongoClient> {
  // A host without the CA yet (no mongod here, or before the first TLS setup) keeps the URI's own TLS settings.
  const tls = tlsPolicy(uri, caFile && existsSync(caFile) ? caFile : undefined)
  if (!tls.ok) throw new Error(tls.reason)
  try {
    return await MongoClient.connect(uri, { appName: 'drsignet-backup', ...mongoTimeouts(uri), ...tls.options })
  } catch (e) {
    throw new Error(`cannot connect to MongoDB: ${redactError(e, uri)}`)
  }
}

/**
 * Bounds on every wait, so a frozen server fails a backup or restore instead of holding it until systemd's timeout:
 * finding the server, opening a connection, and any one reply. The longest single reply these tools wait for is a
 * restore's index build, which on this platform's collections takes minutes: 30 min leaves it room and still ends a
 * hung restore well inside the RTO. A value the URI sets wins (a larger socketTimeoutMS for a collection whose index
 * builds take longer).
 */
export const MONGO_TIMEOUTS = { serverSelectionTimeoutMS: 15_000, connectTimeoutMS: 10_000, socketTimeoutMS: 30 * 60_000 } as const

export function mongoTimeouts(uri: string): Partial<typeof MONGO_TIMEOUTS> {
  const query = parseMongoUri(uri).typedSearchParams<Record<string, string>>()
  return Object.fromEntries(Object.entries(MONGO_TIMEOUTS).filter(([k]) => !query.has(k)))
}

export const stderrProgress = (line: string) => process.stderr.write(line + '\n')
