// The restore's proof: what a collection holds after the restore against what it held before plus what the backup holds — pure.
import { ContentHash } from './content-hash.ts'
import type { Observation } from '../mongo/sink.ts'

/** What the backup holds for one namespace: from its manifest, or counted and hashed from the archive itself. */
export type Expected = { count: number; contentHash: string; indexes: string[] }

/** Problems with one restored namespace, each a line naming it; none when it holds exactly what it should. */
export function proveNamespace(ns: string, expected: Expected, before: Observation, after: Observation): string[] {
  const held = before.count ? ` (${before.count} of them there before the restore)` : ''
  const count = before.count + expected.count
  const hash = new ContentHash().plus(before.contentHash).plus(expected.contentHash).hex()
  const problems: string[] = []
  if (after.count !== count)
    problems.push(`${ns}: holds ${after.count} documents after the restore, ${count} expected${held}`)
  else if (after.contentHash !== hash)
    problems.push(
      `${ns}: its documents differ from the backup's (content hash ${after.contentHash.slice(0, 12)}… != ${hash.slice(0, 12)}…)`,
    )
  const missing = expected.indexes.filter((i) => !after.indexes.includes(i))
  if (missing.length)
    problems.push(`${ns}: index${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} missing after the restore`)
  return problems
}
