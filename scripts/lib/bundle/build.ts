// Builds a revision bundle on disk, named by its content hash (I/O).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { App } from '../config/model.ts'
import type { RenderedFile } from '../render/types.ts'
import { bundleEntries, type BundleEntry } from './contents.ts'
import { contentHash, packEntries } from './tar.ts'
import { checkoutDir } from '../checkout.ts'

/** The hooks: ROOT/hooks/. hooks/backup/ belongs to the backup tool's bundle alone. */
export const hooksDir = (root: string = checkoutDir) => join(root, 'hooks')
export const isBackupHook = (path: string) => path.startsWith('backup/')
/** The shared pieces the backup hooks source or run. */
export const BACKUP_HOOK_LIBS = ['lib/agent-config.mjs', 'lib/base.sh', 'lib/fetch-secret.mjs', 'lib/imds-guard.sh']
/** What every app bundle carries under hooks/. */
export const appHookEntries = (root?: string): BundleEntry[] =>
  readFolder(hooksDir(root)).filter((e) => !isBackupHook(e.path))

/** A folder's files, sorted, with modes normalised to 0755 (any exec bit) or 0644. Dot-files are kept. */
export function readFolder(dir: string, prefix = ''): BundleEntry[] {
  return readdirSync(join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name
      const st = statSync(join(dir, rel))
      if (st.isDirectory()) return readFolder(dir, rel)
      return st.isFile()
        ? [{ path: rel, data: readFileSync(join(dir, rel)), mode: st.mode & 0o111 ? 0o755 : 0o644 }]
        : []
    })
}

export type BuiltBundle = { file: string; sha256: string; bytes: number }

/** `rendered`: the app's rendered files (renderAppFiles), as in apply. */
export async function buildBundle(
  app: App,
  rendered: RenderedFile[],
  inputs: { artifactDir: string; outDir: string },
): Promise<BuiltBundle> {
  const entries = bundleEntries(app, rendered, { artifact: readFolder(inputs.artifactDir), hooks: appHookEntries() })
  const gz = await packEntries(entries)
  const sha256 = contentHash(gz)
  const file = join(inputs.outDir, `${app.name}-${app.version}-${sha256.slice(0, 12)}.tar.gz`)
  mkdirSync(inputs.outDir, { recursive: true })
  writeFileSync(`${file}.tmp`, gz)
  renameSync(`${file}.tmp`, file)
  return { file, sha256, bytes: gz.length }
}
