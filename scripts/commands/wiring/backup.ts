// Shared wiring for the backup commands: read the policy, build the S3 store, connect to MongoDB without leaking the URI (I/O).
import { existsSync } from 'node:fs'
import { MongoClient } from 'mongodb'
import { readModel } from '../../lib/config/read.ts'
import type { Backup } from '../../lib/config/model.ts'
import { backupS3Client, s3BackupStore, type BackupStore } from '../../lib/aws/backup-store.ts'
import { redactError } from '../../lib/mongo/redact.ts'
import { tlsPolicy } from '../../lib/mongo/tls-policy.ts'
import { mongoTimeouts } from '../../lib/mongo/timeouts.ts'
import { envPrefix } from '../../lib/backup/manifest.ts'

export type BackupContext = { env: string; region: string; policy: Backup; store: BackupStore; prefix: string }

export function backupContext(root: string, env: string): BackupContext {
  const model = readModel(root, env)
  const policy = model.env.backup
  const store = s3BackupStore(backupS3Client(model.env.region), policy.bucket, policy.kmsKey)
  return { env, region: model.env.region, policy, store, prefix: envPrefix(policy, env) }
}

/** Connects as tlsPolicy allows: TLS off the host, verification always on; MONGODB_TLS_CA_FILE names the CA. */
export async function connectMongo(
  uri: string,
  caFile = process.env.MONGODB_TLS_CA_FILE || undefined,
): Promise<MongoClient> {
  // A host without the CA yet (no mongod here, or before the first TLS setup) keeps the URI's own TLS settings.
  const tls = tlsPolicy(uri, caFile && existsSync(caFile) ? caFile : undefined)
  if (!tls.ok) throw new Error(tls.reason)
  try {
    return await MongoClient.connect(uri, { appName: 'drsignet-backup', ...mongoTimeouts(uri), ...tls.options })
  } catch (e) {
    throw new Error(`cannot connect to MongoDB: ${redactError(e, uri)}`)
  }
}

export const stderrProgress = (line: string) => process.stderr.write(line + '\n')
