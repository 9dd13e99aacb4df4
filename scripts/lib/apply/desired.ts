// What each deployment group should run: every app (its version and a revision id over everything its bundle carries
// but the artifact) and the database instances' backup tool (a revision id over its whole bundle) (pure).
import { createHash } from 'node:crypto'
import type { App, Model } from '../config/model.ts'
import { backupAgentEntries } from '../bundle/backup-agent.ts'
import type { BundleEntry } from '../bundle/contents.ts'
import { renderBackupAgentFiles } from '../render/backup-agent.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'
import { renderAppFiles } from '../render/environment.ts'
import type { NginxTemplates } from '../render/nginx.ts'
import type { RenderedFile } from '../render/types.ts'

/** files: the rendered files plan diffs and the state records, under the group's prefix in build/ENV. */
type Release = { name: string; version: string; revision: string; files: RenderedFile[] }
/** An app, with the rendered files (bundle paths) and hooks its revision was hashed over: its bundle is built from these same bytes. */
export type DesiredApp = Release & { app: App; rendered: RenderedFile[]; hooks: BundleEntry[] }
/** The backup tool, with its whole bundle's entries (its revision is a hash over them). */
export type DesiredTool = Release & { app?: undefined; entries: BundleEntry[] }
export type DesiredRelease = DesiredApp | DesiredTool

/** Where a deployment group's rendered files sit in build/ENV and in the deployed state. */
export const filesPrefix = (name: string) => (name === BACKUP_AGENT ? `${BACKUP_AGENT}/` : `apps/${name}/`)

/** The revision changes when the version, any rendered file of the app, or any hook changes. */
export function desiredApps(model: Model, hooks: BundleEntry[], nginx: NginxTemplates): DesiredApp[] {
  return model.apps.map((app) => {
    const rendered = renderAppFiles(app, model, nginx)
    const files = rendered.map((f) => ({ path: `${filesPrefix(app.name)}${f.path}`, contents: f.contents }))
    const h = createHash('sha256').update(`version\0${app.version}\0`)
    for (const f of files) h.update(`file\0${f.path}\0${f.contents}\0`)
    for (const e of hooks) h.update(`hook\0${e.path}\0${e.mode.toString(8)}\0`).update(e.data)
    return {
      name: app.name,
      app,
      rendered,
      hooks,
      version: app.version,
      revision: `${app.version}+${h.digest('hex').slice(0, 12)}`,
      files,
    }
  })
}

/** The backup tool changes with any file of its bundle: the ops code, the YAML, its units or its hooks. */
export function desiredBackupTool(model: Model, inputs: { ops: BundleEntry[]; hooks: BundleEntry[] }): DesiredTool {
  const entries = backupAgentEntries(model, inputs)
  const h = createHash('sha256')
  for (const e of entries)
    h.update(`${e.path}\0${e.mode.toString(8)}\0`)
      .update(e.data)
      .update('\0')
  const files = renderBackupAgentFiles(model).map((f) => ({
    path: `${filesPrefix(BACKUP_AGENT)}${f.path}`,
    contents: f.contents,
  }))
  return { name: BACKUP_AGENT, version: 'ops', revision: `ops+${h.digest('hex').slice(0, 12)}`, files, entries }
}
