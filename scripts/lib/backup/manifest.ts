// Backup object keys and the manifest that makes an archive a backup: what it holds and how to check it — pure.
import type { Backup } from '../config/model.ts'

export type CollectionManifest = {
  name: string
  count: number
  rawBytes: number
  crc: string // CRC-64/ECMA of the raw documents, as in the archive's EOF header
  contentHash: string // order-independent hash of the raw documents (see content-hash.ts)
  indexes: unknown[] // index specs as canonical Extended JSON objects
  options: unknown
}
export type Manifest = {
  format: 'drsignet-backup/1'
  environment: string
  bucket: string
  key: string // the archive
  compression: Backup['compression']
  databases: { name: string; collections: CollectionManifest[] }[]
  documents: number
  rawBytes: number
  compressedBytes: number
  sha256: string // of the uploaded object, hex
  serverVersion: string
  toolVersion: string
  startedAt: string
  endedAt: string
  durationMs: number
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
/** 20261124T010203Z: sortable, safe in a key. */
export const stampOf = (d: Date) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`

export const envPrefix = (policy: Pick<Backup, 'prefix'>, env: string) =>
  policy.prefix ? `${policy.prefix}/${env}/` : `${env}/`

/** s3://BUCKET/PREFIX/ENV/YYYY/MM/DD/<timestamp>.archive.gz */
export const archiveKey = (policy: Pick<Backup, 'prefix' | 'compression'>, env: string, at: Date) =>
  `${envPrefix(policy, env)}${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${stampOf(at)}.archive${policy.compression === 'gzip' ? '.gz' : ''}`

const ARCHIVE = /\.archive(\.gz)?$/
export const isArchiveKey = (key: string) => ARCHIVE.test(key)
export const isManifestKey = (key: string) => key.endsWith('.manifest.json')
export const manifestKeyFor = (archive: string) => archive.replace(ARCHIVE, '') + '.manifest.json'
export const stemOf = (key: string) => key.replace(ARCHIVE, '').replace(/\.manifest\.json$/, '')
export const heartbeatKey = (policy: Pick<Backup, 'prefix'>, env: string) => `${envPrefix(policy, env)}heartbeat.json`

/** The time in a key's <timestamp>, or undefined when the key does not carry one. */
export function timeOfKey(key: string): Date | undefined {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(\.|$)/.exec(key.slice(key.lastIndexOf('/') + 1))
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number)
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s))
}

/** Problems that make a parsed manifest unusable (empty when it is fine). */
export function manifestProblems(m: unknown, archive: string): string[] {
  const o = m as Partial<Manifest> | null
  if (!o || typeof o !== 'object') return ['manifest is not an object']
  const problems: string[] = []
  if (o.format !== 'drsignet-backup/1') problems.push(`unknown manifest format ${JSON.stringify(o.format)}`)
  if (o.key !== archive) problems.push(`manifest names ${o.key}, not ${archive}`)
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) problems.push('manifest has no sha256')
  if (!Array.isArray(o.databases)) problems.push('manifest has no databases')
  return problems
}

/** What the manifest says each namespace holds, for the restore's proof. */
export const manifestExpectations = (m: Manifest) =>
  new Map(
    m.databases.flatMap((d) =>
      d.collections.map((c) => [`${d.name}.${c.name}`, { count: c.count, contentHash: c.contentHash }] as const),
    ),
  )
