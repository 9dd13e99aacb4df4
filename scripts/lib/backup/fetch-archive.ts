// Resolves --from (latest, an S3 key or a local file), downloads it and proves it against its manifest before anything is written (I/O: S3, temp files).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BackupStore } from '../aws/backup-store.ts'
import { downloadToFile, findLatestGood, openArchiveFile, readManifest, sha256File } from './archive-io.ts'
import type { Manifest } from './manifest.ts'
import { restoreArchive, type RestoreOptions, type RestoreReport } from './run-restore.ts'
import type { ProgressSink } from './progress.ts'

export class RestoreRefused extends Error {}

export type FetchedArchive = {
  source: string // s3://bucket/key or the local path
  file: string
  manifest?: Manifest
  scan?: RestoreReport // present when the archive had no manifest and was checked by a full scan
  cleanup: () => void
}

export async function fetchArchive(
  store: BackupStore | undefined,
  envPrefix: string,
  from: string | undefined,
  opts: RestoreOptions,
  progress: ProgressSink,
): Promise<FetchedArchive> {
  // A local file: mongodump --archive output or a copied backup; no manifest, so its structure and CRCs are scanned.
  if (from && from !== 'latest' && existsSync(from) && statSync(from).isFile()) {
    const scan = await scanOrRefuse(from, from, opts, progress)
    return { source: from, file: from, scan, cleanup: () => {} }
  }
  if (!store) throw new RestoreRefused('no backup store configured')
  let key: string
  let manifest: Manifest | undefined
  if (!from || from === 'latest') {
    const latest = await findLatestGood(store, envPrefix)
    if (!latest)
      throw new RestoreRefused(`no good backup (archive with a manifest) under s3://${store.bucket}/${envPrefix}`)
    key = latest.key
    manifest = latest.manifest
  } else {
    key = from.replace(new RegExp(`^s3://${store.bucket}/`), '')
    const read = await readManifest(store, key)
    if (read === 'unreadable')
      throw new RestoreRefused(
        `the manifest of s3://${store.bucket}/${key} cannot be read or does not describe it; refusing to restore`,
      )
    if (read !== 'missing') manifest = read
    else
      progress(
        `restore: s3://${store.bucket}/${key} has no manifest; checking the archive's structure and CRCs instead`,
      )
  }
  const dir = mkdtempSync(join(tmpdir(), 'drsignet-restore-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const file = join(dir, key.slice(key.lastIndexOf('/') + 1))
  const source = `s3://${store.bucket}/${key}`
  try {
    const got = await downloadToFile(store, key, file)
    if (manifest) {
      if (got.sha256 !== manifest.sha256 || got.bytes !== manifest.compressedBytes)
        throw new RestoreRefused(
          `checksum mismatch for ${source}: sha256 ${got.sha256} (${got.bytes} bytes), manifest says ${manifest.sha256} (${manifest.compressedBytes} bytes); refusing to restore, nothing was written`,
        )
      return { source, file, manifest, cleanup }
    }
    return { source, file, scan: await scanOrRefuse(file, source, opts, progress), cleanup }
  } catch (e) {
    cleanup()
    throw e
  }
}

async function scanOrRefuse(
  file: string,
  source: string,
  opts: RestoreOptions,
  progress: ProgressSink,
): Promise<RestoreReport> {
  try {
    return await restoreArchive(openArchiveFile(file), null, opts, progress)
  } catch (e) {
    throw new RestoreRefused(
      `${source} is not a sound archive: ${(e as Error).message}; refusing to restore, nothing was written`,
    )
  }
}

export { sha256File }
