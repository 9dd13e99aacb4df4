// Chooses which backups to delete: older than the retention, never the newest good backup, never an unread manifest — pure.
import { isArchiveKey, isManifestKey, stemOf, timeOfKey, type Manifest } from './manifest.ts'

export type Listed = { key: string; size: number; lastModified: Date }
/** Per archive key: its manifest, 'missing' (no manifest object) or 'unreadable' (could not be read or checked). */
export type ManifestRead = Manifest | 'missing' | 'unreadable'
export type PruneDecision = { stem: string; keys: string[]; at: Date; action: 'delete' | 'keep'; reason: string }

type Group = { stem: string; archive?: Listed; manifest?: Listed; at: Date }

export function groupBackups(listing: Listed[]): Group[] {
  const groups = new Map<string, Group>()
  for (const o of listing) {
    if (!isArchiveKey(o.key) && !isManifestKey(o.key)) continue
    const stem = stemOf(o.key)
    const g = groups.get(stem) ?? { stem, at: timeOfKey(o.key) ?? o.lastModified }
    if (isArchiveKey(o.key)) g.archive = o
    else g.manifest = o
    groups.set(stem, g)
  }
  return [...groups.values()].sort((a, b) => a.at.getTime() - b.at.getTime() || a.stem.localeCompare(b.stem))
}

const DAY = 86_400_000

export function selectPrunable(
  listing: Listed[],
  manifests: Map<string, ManifestRead>,
  now: Date,
  retentionDays: number,
): PruneDecision[] {
  const groups = groupBackups(listing)
  const readOf = (g: Group): ManifestRead =>
    g.archive && g.manifest ? (manifests.get(g.archive.key) ?? 'unreadable') : 'missing'
  const good = groups.filter((g) => typeof readOf(g) === 'object')
  const newestGood = good.at(-1)?.stem
  const cutoff = now.getTime() - retentionDays * DAY
  return groups.map((g) => {
    const keys = [g.archive?.key, g.manifest?.key].filter((k): k is string => !!k)
    const base = { stem: g.stem, keys, at: g.at }
    const read = readOf(g)
    if (g.stem === newestGood) return { ...base, action: 'keep', reason: 'newest good backup' }
    if (g.at.getTime() >= cutoff) return { ...base, action: 'keep', reason: `within ${retentionDays} days` }
    if (read === 'unreadable') return { ...base, action: 'keep', reason: 'expired, but its manifest could not be read' }
    if (!g.archive) return { ...base, action: 'delete', reason: 'expired manifest without an archive' }
    if (read === 'missing')
      return { ...base, action: 'delete', reason: 'expired archive without a manifest (a failed backup)' }
    return { ...base, action: 'delete', reason: `expired (older than ${retentionDays} days)` }
  })
}
