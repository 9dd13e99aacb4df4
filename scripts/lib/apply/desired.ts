// What each app should run: its version and a revision id over everything its bundle carries but the artifact (pure).
import { createHash } from 'node:crypto'
import type { App, Model } from '../config/model.ts'
import type { BundleEntry } from '../bundle/contents.ts'
import { renderAppFiles } from '../render/environment.ts'
import type { RenderedFile } from '../render/types.ts'

export type DesiredApp = { app: App; version: string; revision: string; files: RenderedFile[] }

/** The revision changes when the version, any rendered file of the app, or any hook changes. */
export function desiredApps(model: Model, hooks: BundleEntry[]): DesiredApp[] {
  return model.apps.map((app) => {
    const files = renderAppFiles(app, model).map((f) => ({ path: `apps/${app.name}/${f.path}`, contents: f.contents }))
    const h = createHash('sha256').update(`version\0${app.version}\0`)
    for (const f of files) h.update(`file\0${f.path}\0${f.contents}\0`)
    for (const e of hooks) h.update(`hook\0${e.path}\0${e.mode.toString(8)}\0`).update(e.data)
    return { app, version: app.version, revision: `${app.version}+${h.digest('hex').slice(0, 12)}`, files }
  })
}
