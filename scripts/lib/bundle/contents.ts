// Decides what goes into a revision bundle: artifact under app/, the app's rendered files and hooks (pure).
import type { App } from '../config/model.ts'
import { appspecFor, checkPermissions } from '../render/appspec.ts'
import type { RenderedFile } from '../render/types.ts'
import { byText } from '../order.ts'

/** One file in the bundle; mode is 0o755 for executables and 0o644 for everything else. */
export type BundleEntry = { path: string; data: Buffer; mode: number }

export type BundleInputs = {
  artifact: BundleEntry[] // the app's build output, paths relative to its folder
  hooks: BundleEntry[] // hooks/**, paths relative to hooks/
}

export const text = (f: RenderedFile, path = f.path, mode = 0o644): BundleEntry => ({
  path,
  data: Buffer.from(f.contents),
  mode,
})

/**
 * `rendered`: the app's files exactly as render wrote them under build/ENV/apps/APP/ (renderAppFiles), in bundle
 * paths; they are copied as they are, so what a reviewer saw is what reaches the instances.
 */
export function bundleEntries(app: App, rendered: RenderedFile[], inputs: BundleInputs): BundleEntry[] {
  const entries: BundleEntry[] = [
    ...rendered.map((f) => text(f)),
    ...inputs.artifact.map((e) => ({ ...e, path: `app/${e.path}` })),
    ...inputs.hooks.map((e) => ({ ...e, path: `hooks/${e.path}` })),
  ]
  const sorted = checkedAndSorted(entries)
  checkPermissions(
    appspecFor(app),
    sorted.map((e) => e.path),
  )
  return sorted
}

/** Refuses a path that leaves the bundle or appears twice; sorts by path so packing is deterministic. */
export function checkedAndSorted(entries: BundleEntry[]): BundleEntry[] {
  const seen = new Set<string>()
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path.split('/').includes('..'))
      throw new Error(`bundle path ${e.path} escapes the bundle`)
    if (seen.has(e.path)) throw new Error(`bundle path ${e.path} appears twice`)
    seen.add(e.path)
  }
  return entries.sort(byText((e) => e.path))
}
