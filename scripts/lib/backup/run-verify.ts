// The restore drill's comparison: what a scratch restore holds against the manifest, and the measured time against the RTO — pure.
import type { Manifest } from './manifest.ts'

export type Observed = { db: string; collection: string; count: number; contentHash: string; indexes: number }
export type DrillResult = { ok: boolean; lines: string[] }

export function compareWithManifest(
  manifest: Manifest,
  observed: Observed[],
  restoreSeconds: number,
  rtoHours: number,
): DrillResult {
  const lines: string[] = []
  let ok = true
  const seen = new Map(observed.map((o) => [`${o.db}.${o.collection}`, o]))
  for (const d of manifest.databases) {
    for (const c of d.collections) {
      const ns = `${d.name}.${c.name}`
      const o = seen.get(ns)
      seen.delete(ns)
      if (!o) {
        ok = false
        lines.push(`MISMATCH ${ns}: in the manifest (${c.count} documents) but not restored`)
        continue
      }
      const problems: string[] = []
      if (o.count !== c.count) problems.push(`count ${o.count} != manifest ${c.count}`)
      if (o.contentHash !== c.contentHash)
        problems.push(`content hash ${o.contentHash.slice(0, 12)}… != manifest ${c.contentHash.slice(0, 12)}…`)
      if (o.indexes !== c.indexes.length) problems.push(`indexes ${o.indexes} != manifest ${c.indexes.length}`)
      if (problems.length) ok = false
      lines.push(
        problems.length
          ? `MISMATCH ${ns}: ${problems.join('; ')}`
          : `ok       ${ns}: ${o.count} documents, hash ${o.contentHash.slice(0, 12)}…, ${o.indexes} indexes`,
      )
    }
  }
  for (const ns of seen.keys()) {
    ok = false
    lines.push(`MISMATCH ${ns}: restored but not in the manifest`)
  }
  const rto = rtoHours * 3600
  const within = restoreSeconds <= rto
  if (!within) ok = false
  lines.push(
    `restore time ${restoreSeconds.toFixed(1)} s against an RTO of ${rtoHours} h (${rto} s): ${within ? `within (${((restoreSeconds / rto) * 100).toFixed(3)} % of it)` : 'EXCEEDED'}`,
  )
  return { ok, lines }
}

/** Scratch database names for the drill: distinct per run, within MongoDB's 63-byte limit. */
export const scratchDbName = (db: string, runId: string) => `drill_${runId}_${db}`.slice(0, 63)
