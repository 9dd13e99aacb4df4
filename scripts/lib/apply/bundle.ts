// Builds a deployment group's revision bundle in memory: an app's from its artifact, the backup tool's from this
// checkout, reusing bundle/ (pure but for reading hooks/, the checkout and the artifact source).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { App, Model } from '../config/model.ts'
import { bundleEntries, type BundleEntry } from '../bundle/contents.ts'
import { backupHookEntries, readOpsSnapshot } from '../bundle/backup-agent.ts'
import { appHookEntries, readFolder } from '../bundle/build.ts'
import { contentHash, packEntries, unpackEntries } from '../bundle/tar.ts'
import { loadNginxTemplates } from '../render/render-all.ts'
import type { RenderedFile } from '../render/types.ts'
import type { ArtifactStore } from '../aws/artifact-store.ts'
import { fetchRelease } from '../release/publish.ts'
import { desiredApps, desiredBackupTool, type DesiredRelease } from './desired.ts'

/** Where an app's build output comes from. */
export interface ArtifactSource {
  readonly describe: string
  entries(app: string, version: string): Promise<BundleEntry[]>
}

/** A local folder: DIR/<app>/<version>/ holds the build output (tests, or a pipeline that builds apps itself). */
export const folderArtifacts = (dir: string): ArtifactSource => ({
  describe: dir,
  async entries(app, version) {
    const at = join(dir, app, version)
    if (!existsSync(at)) throw new Error(`no artifact for ${app} ${version}: ${at} does not exist`)
    return readFolder(at)
  },
})

/**
 * The default: s3://<artifacts bucket>/releases/<app>/<version>.tgz, published by `ops release` from the app's own CI,
 * deployed only when its bytes are the ones its manifest names.
 */
export const storeArtifacts = (store: ArtifactStore): ArtifactSource => ({
  describe: `s3://${store.bucket}/releases/`,
  async entries(app, version) {
    return unpackEntries(await fetchRelease(store, app, version))
  },
})

export type Bundle = { gz: Buffer; sha256: string; files: number }

export async function buildRevision(
  app: App,
  rendered: RenderedFile[],
  artifact: BundleEntry[],
  hooks: BundleEntry[],
): Promise<Bundle> {
  return packBundle(bundleEntries(app, rendered, { artifact, hooks }))
}

async function packBundle(entries: BundleEntry[]): Promise<Bundle> {
  const gz = await packEntries(entries)
  return { gz, sha256: contentHash(gz), files: entries.length }
}

/**
 * Every deployment group's desired release: the backup tool first (its hosts make the database's TLS CA that the
 * apps then install), then the apps; all from `root`'s tree (YAML, hooks, and the ops code the database hosts run,
 * as bytes); the nginx templates are this checkout's, since they run here.
 */
export const desiredReleases = (model: Model, root?: string): DesiredRelease[] => [
  desiredBackupTool(model, { ops: readOpsSnapshot(model.env.name, root, root), hooks: backupHookEntries(root) }),
  ...desiredApps(model, appHookEntries(root), loadNginxTemplates()),
]

/** An app's bundle carries the very files its revision was hashed over, and that plan and build/ show. */
export async function buildRelease(d: DesiredRelease, artifacts: ArtifactSource): Promise<Bundle> {
  if (d.app) return buildRevision(d.app, d.rendered, await artifacts.entries(d.name, d.version), d.hooks)
  return packBundle(d.entries)
}
