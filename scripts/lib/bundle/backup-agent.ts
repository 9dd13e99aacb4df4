// The database instance's "backup" revision: the ops tool (this repository's code and configuration, without
// node_modules: AfterInstall installs them), its rendered files and its hooks (pure but for the read* helpers).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Model } from '../config/model.ts'
import { renderBackupAgentFiles } from '../render/backup-agent.ts'
import { BACKUP_HOOK_LIBS, hooksDir, isBackupHook, readFolder } from './build.ts'
import { checkedAndSorted, text, type BundleEntry } from './contents.ts'

/** What `ops backup|restore|verify|prune ENV` needs at run time: the code, the schemas and the YAML it reads. */
export const OPS_FOLDERS = ['apps', 'environments', 'nginx', 'schemas', 'scripts']
export const OPS_FILES = ['package.json', 'package-lock.json', 'tsconfig.json']

const repoRoot = new URL('../../../', import.meta.url).pathname

/** The ops tool as it stands in `root` (the pipeline's checkout of the commit being applied). */
export function readOpsSnapshot(root = repoRoot): BundleEntry[] {
  const missing = [...OPS_FOLDERS, ...OPS_FILES].filter((f) => !existsSync(join(root, f)))
  if (missing.length) throw new Error(`${root}: not a checkout of this repository (missing ${missing.join(', ')})`)
  return [
    ...OPS_FOLDERS.flatMap((d) => readFolder(root, d)),
    ...OPS_FILES.map((f) => ({ path: f, data: readFileSync(join(root, f)), mode: 0o644 })),
  ]
}

/** The backup tool's hooks and the shared pieces they source or run; the app hooks stay out. */
export const backupHookEntries = (): BundleEntry[] => readFolder(hooksDir).filter((e) => isBackupHook(e.path) || BACKUP_HOOK_LIBS.includes(e.path))

export function backupAgentEntries(model: Model, inputs: { ops: BundleEntry[]; hooks: BundleEntry[] }): BundleEntry[] {
  return checkedAndSorted([
    ...renderBackupAgentFiles(model).map((f) => text(f)),
    ...inputs.ops.map((e) => ({ ...e, path: `ops/${e.path}` })),
    ...inputs.hooks.map((e) => ({ ...e, path: `hooks/${e.path}` })),
  ])
}
