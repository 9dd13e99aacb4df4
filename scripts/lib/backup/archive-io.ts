// Finding, fetching and opening archives: newest good backup, manifest reads, download with SHA-256, gzip sniffing (I/O: S3, files).
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, openSync, readSync, closeSync } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import type { BackupStore } from '../aws/backup-store.ts'
import { hashTap } from './hash-tap.ts'
import { groupBackups, type ManifestRead } from './prune.ts'
import { isArchiveKey, manifestKeyFor, manifestProblems, type Manifest } from './manifest.ts'

/** The archive's manifest, 'missing', or 'unreadable' (present but not parseable or not about this archive). */
export async function readManifest(store: BackupStore, archive: string): Promise<ManifestRead> {
  let m: unknown
  try {
    m = await store.getJson(manifestKeyFor(archive))
  } catch {
    return 'unreadable'
  }
  if (m === undefined) return 'missing'
  return manifestProblems(m, archive).length ? 'unreadable' : (m as Manifest)
}

/** The newest archive under `prefix` whose manifest is present and sound. */
export async function findLatestGood(
  store: BackupStore,
  prefix: string,
): Promise<{ key: string; manifest: Manifest } | undefined> {
  const groups = groupBackups(await store.list(prefix)).filter((g) => g.archive && g.manifest)
  for (const g of groups.reverse()) {
    const read = await readManifest(store, g.archive!.key)
    if (typeof read === 'object') return { key: g.archive!.key, manifest: read }
  }
  return undefined
}

/** Downloads to a local file, hashing on the way. */
export async function downloadToFile(
  store: BackupStore,
  key: string,
  path: string,
): Promise<{ sha256: string; bytes: number }> {
  const tap = hashTap()
  await pipeline(await store.download(key), tap.stream, createWriteStream(path))
  return { sha256: tap.sha256(), bytes: tap.bytes() }
}

export async function sha256File(path: string): Promise<string> {
  const sha = createHash('sha256')
  for await (const c of createReadStream(path)) sha.update(c as Buffer)
  return sha.digest('hex')
}

/** The archive's bytes, gunzipped when the file starts with the gzip magic number. */
export function openArchiveFile(path: string): AsyncIterable<Buffer> {
  const fd = openSync(path, 'r')
  const head = Buffer.alloc(2)
  readSync(fd, head, 0, 2, 0)
  closeSync(fd)
  const raw = createReadStream(path, { highWaterMark: 1024 * 1024 })
  if (head[0] !== 0x1f || head[1] !== 0x8b) return raw
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  raw.on('error', (e) => gunzip.destroy(e))
  return raw.pipe(gunzip)
}

export const looksLikeArchiveKey = isArchiveKey
