// The database instance's "backup" revision: the ops tool (this repository's code and configuration, and that code
// compiled to dist/, without node_modules: AfterInstall installs them), its rendered files and its hooks (pure but
// for the read* helpers).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Model } from '../config/model.ts'
import { checkPermissions } from '../render/appspec.ts'
import { backupAgentAppspec, renderBackupAgentFiles } from '../render/backup-agent.ts'
import { BACKUP_HOOK_LIBS, hooksDir, isBackupHook, readFolder } from './build.ts'
import { checkedAndSorted, text, type BundleEntry } from './contents.ts'
import { buildOpsDist } from './ops-dist.ts'
import { checkoutDir } from '../checkout.ts'

/** The code `ops backup|restore|verify|prune ENV` runs, and the files it reads besides the YAML. */
export const OPS_FOLDERS = ['nginx', 'schemas', 'scripts']
export const OPS_FILES = ['package.json', 'package-lock.json', 'tsconfig.json']

/**
 * The ops tool as the database instances of ENV run it: the code of `codeRoot` (the pipeline's checkout of the commit
 * being applied; a pull request's tree when planning it, read and compiled, never run here), with ENV's YAML and the
 * app files it names from `configRoot`. Other environments' YAML stays out, so their changes neither reach this
 * environment's hosts nor redeploy its backup tool.
 */
export function readOpsSnapshot(env: string, configRoot = checkoutDir, codeRoot = checkoutDir): BundleEntry[] {
  const missing = [...OPS_FOLDERS, ...OPS_FILES].filter((f) => !existsSync(join(codeRoot, f)))
  if (missing.length) throw new Error(`${codeRoot}: not a checkout of this repository (missing ${missing.join(', ')})`)
  const envFile = `environments/${env}.yaml`
  if (!existsSync(join(configRoot, envFile))) throw new Error(`${join(configRoot, envFile)} does not exist`)
  return [
    ...OPS_FOLDERS.flatMap((d) => readFolder(codeRoot, d)),
    ...OPS_FILES.map((f) => ({ path: f, data: readFileSync(join(codeRoot, f)), mode: 0o644 })),
    ...buildOpsDist(codeRoot),
    { path: envFile, data: readFileSync(join(configRoot, envFile)), mode: 0o644 },
    ...readFolder(configRoot, 'apps'),
  ]
}

/** The backup tool's hooks and the shared pieces they source or run; the app hooks stay out. */
export const backupHookEntries = (root?: string): BundleEntry[] =>
  readFolder(hooksDir(root)).filter((e) => isBackupHook(e.path) || BACKUP_HOOK_LIBS.includes(e.path))

export function backupAgentEntries(model: Model, inputs: { ops: BundleEntry[]; hooks: BundleEntry[] }): BundleEntry[] {
  const entries = checkedAndSorted([
    ...renderBackupAgentFiles(model).map((f) => text(f)),
    ...inputs.ops.map((e) => ({ ...e, path: `ops/${e.path}` })),
    ...inputs.hooks.map((e) => ({ ...e, path: `hooks/${e.path}` })),
  ])
  checkPermissions(
    backupAgentAppspec(),
    entries.map((e) => e.path),
  )
  return entries
}
