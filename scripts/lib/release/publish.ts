// Publishes a packed release once: the bytes, then the manifest, each written only if absent, so a version never
// changes once published; and reads one back for apply, checked against its manifest (I/O through ArtifactStore).
import type { ArtifactStore } from '../aws/artifact-store.ts'
import { contentHash } from '../bundle/tar.ts'
import { parseManifest, releaseKeys, releaseMismatch, type ReleaseManifest } from './manifest.ts'
import type { PackedRelease } from './pack.ts'

/** published: both written now; completed: the bytes were there, the manifest written now; unchanged: both there. */
export type Published = { outcome: 'published' | 'completed' | 'unchanged'; url: string; manifest: ReleaseManifest }

/** A version published with other bytes: the caller exits 1 and names both. */
export class ReleaseConflictError extends Error {}

export async function publishRelease(
  store: ArtifactStore,
  packed: PackedRelease,
  manifest: ReleaseManifest,
): Promise<Published> {
  const keys = releaseKeys(manifest.app, manifest.version)
  const url = `s3://${store.bucket}/${keys.artifact}`
  let outcome: Published['outcome'] = 'published'
  if (!(await store.create(keys.artifact, packed.gz, 'application/gzip'))) {
    const existing = await store.get(keys.artifact)
    const theirs = existing ? contentHash(existing) : 'unreadable'
    if (theirs !== packed.sha256) {
      throw new ReleaseConflictError(
        `${manifest.app} ${manifest.version} is already published with other bytes: ${url} has sha256 ${theirs}, this build ${packed.sha256}; a version never changes: release a new version`,
      )
    }
    outcome = 'unchanged'
  }
  // The manifest goes last: a release without one is refused by apply, so a crash in between publishes nothing usable,
  // and the next run (same bytes) completes it. A manifest already there describes these same bytes: it stays.
  const written = await store.create(keys.manifest, JSON.stringify(manifest, null, 2) + '\n', 'application/json')
  const kept = written ? manifest : await readManifest(store, manifest.app, manifest.version)
  if (!written && kept.sha256 !== packed.sha256) {
    throw new ReleaseConflictError(
      `${manifest.app} ${manifest.version}: s3://${store.bucket}/${keys.manifest} names sha256 ${kept.sha256}, the stored bytes are ${packed.sha256}; repair it by hand`,
    )
  }
  return { outcome: outcome === 'unchanged' && written ? 'completed' : outcome, url, manifest: kept }
}

/** A release's manifest, or undefined when it has none. */
export async function findManifest(
  store: ArtifactStore,
  app: string,
  version: string,
): Promise<ReleaseManifest | undefined> {
  const key = releaseKeys(app, version).manifest
  const body = await store.get(key)
  return body ? parseManifest(body.toString('utf8'), `s3://${store.bucket}/${key}`) : undefined
}

async function readManifest(store: ArtifactStore, app: string, version: string): Promise<ReleaseManifest> {
  const found = await findManifest(store, app, version)
  if (!found)
    throw new Error(
      `${app} ${version} has no manifest: s3://${store.bucket}/${releaseKeys(app, version).manifest} does not exist; publish it with ops release (the app's CI does)`,
    )
  return found
}

/** A release's bytes for apply, only when they are the ones its manifest names. */
export async function fetchRelease(store: ArtifactStore, app: string, version: string): Promise<Buffer> {
  const key = releaseKeys(app, version).artifact
  const gz = await store.get(key)
  if (!gz)
    throw new Error(
      `no release ${app} ${version}: s3://${store.bucket}/${key} does not exist; publish it with ops release (the app's CI does)`,
    )
  const manifest = await readManifest(store, app, version)
  const wrong = releaseMismatch(manifest, app, version, contentHash(gz))
  if (wrong) throw new Error(`release ${app} ${version} at s3://${store.bucket}/${key} is refused: ${wrong}`)
  return gz
}
