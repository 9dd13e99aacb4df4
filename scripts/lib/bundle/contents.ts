// Decides what goes into a revision bundle: artifact under app/, rendered files and hooks (pure).
import type { App, Model } from '../config/model.ts'
import { renderAppDeployFiles } from '../render/app-deploy-files.ts'
import { appspecFor, checkPermissions } from '../render/appspec.ts'
import type { RenderedFile } from '../render/types.ts'

/** One file in the bundle; mode is 0o755 for executables and 0o644 for everything else. */
export type BundleEntry = { path: string; data: Buffer; mode: number }

export type BundleInputs = {
  artifact: BundleEntry[] // the app's build output, paths relative to its folder
  hooks: BundleEntry[] // hooks/**, paths relative to hooks/
  vhost: RenderedFile // from renderVhost
  snippets?: RenderedFile[] // shared nginx snippets, paths relative to the nginx conf dir (drsignet/...)
}

export const text = (f: RenderedFile, path = f.path, mode = 0o644): BundleEntry => ({ path, data: Buffer.from(f.contents), mode })

export function bundleEntries(app: App, model: Model, inputs: BundleInputs): BundleEntry[] {
  const entries: BundleEntry[] = [
    ...renderAppDeployFiles(app, model).map((f) => text(f)),
    text(inputs.vhost, `nginx/${app.name}.conf`),
    ...(inputs.snippets ?? []).map((s) => text(s, `nginx/${s.path}`)),
    ...inputs.artifact.map((e) => ({ ...e, path: `app/${e.path}` })),
    ...inputs.hooks.map((e) => ({ ...e, path: `hooks/${e.path}` })),
  ]
  const sorted = checkedAndSorted(entries)
  checkPermissions(appspecFor(app), sorted.map((e) => e.path))
  return sorted
}

/** Refuses a path that leaves the bundle or appears twice; sorts by path so packing is deterministic. */
export function checkedAndSorted(entries: BundleEntry[]): BundleEntry[] {
  const seen = new Set<string>()
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path.split('/').includes('..')) throw new Error(`bundle path ${e.path} escapes the bundle`)
    if (seen.has(e.path)) throw new Error(`bundle path ${e.path} appears twice`)
    seen.add(e.path)
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
