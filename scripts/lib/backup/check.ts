// `backup ENV --check`: what the nightly run needs, tried without writing anything: MongoDB answers and lists
// what would be backed up, and the backup prefix in S3 can be listed (I/O through MongoSource and BackupStore).
import type { BackupStore } from '../aws/backup-store.ts'
import type { MongoSource } from '../mongo/source.ts'
import { isManifestKey } from './manifest.ts'

export type Reach = {
  serverVersion: string
  databases: number
  collections: number
  manifests: number
  newest?: string
}

export async function checkReach(
  source: MongoSource,
  store: BackupStore,
  prefix: string,
  include?: string[],
): Promise<Reach> {
  const serverVersion = await source.serverVersion()
  const colls = await source.listCollections(include)
  const manifests = (await store.list(prefix))
    .filter((o) => isManifestKey(o.key))
    .map((o) => o.key)
    .sort()
  return {
    serverVersion,
    databases: new Set(colls.map((c) => c.db)).size,
    collections: colls.length,
    manifests: manifests.length,
    newest: manifests.at(-1),
  }
}
