// Packs an app's build output into a release: the same tree always gives the same bytes (I/O: reads the folder).
import { readFolder } from '../bundle/build.ts'
import { contentHash, packEntries } from '../bundle/tar.ts'

export type PackedRelease = { gz: Buffer; sha256: string; files: number }

/** Never shipped: the repository's history, and what a local run leaves behind. */
const EXCLUDED = new Set(['.git', '.npm'])

export async function packRelease(dir: string): Promise<PackedRelease> {
  const entries = readFolder(dir).filter((e) => !EXCLUDED.has(e.path.split('/')[0]!))
  if (!entries.length) throw new Error(`${dir} holds no files to release`)
  const gz = await packEntries(entries)
  return { gz, sha256: contentHash(gz), files: entries.length }
}
