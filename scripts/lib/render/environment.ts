// Renders every file of one environment, plus a manifest of their hashes (pure).
import { createHash } from 'node:crypto'
import type { Model } from '../config/model.ts'
import { renderAppDeployFiles } from './app-deploy-files.ts'
import { renderBackupAgentFiles } from './backup-agent.ts'
import { BACKUP_AGENT } from './backup-paths.ts'
import { ownersOf, renderCloudWatchAgent } from './cloudwatch-agent.ts'
import { environmentDiagram, toDot, toMermaid } from './diagram.ts'
import type { Template } from '../cloudformation/read-template.ts'
import { renderSnippets, renderVhost, type NginxTemplates } from './nginx.ts'
import { renderStackFiles } from './stack-files.ts'
import type { RenderedFile } from './types.ts'
import { byText } from '../order.ts'

/**
 * What rendering reads besides the Model, loaded beforehand by the caller (render-all.ts): the nginx templates and
 * the CloudFormation templates; without the latter, the render has no cloudformation/ files.
 */
export type RenderInputs = { nginx: NginxTemplates; stacks?: ReadonlyMap<string, Template> }

const under =
  (prefix: string) =>
  (f: RenderedFile): RenderedFile => ({ path: `${prefix}/${f.path}`, contents: f.contents })

/** What a revision bundle carries besides the app artifact and hooks/, in bundle paths. */
export function renderAppFiles(app: Model['apps'][number], model: Model, nginx: NginxTemplates): RenderedFile[] {
  return [
    ...renderAppDeployFiles(app, model),
    renderVhost(app, model, nginx),
    ...renderSnippets(nginx).map(under('nginx')),
  ]
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export function renderManifest(env: string, files: RenderedFile[]): RenderedFile {
  const entries = files.map((f) => ({ path: f.path, sha256: sha256(f.contents), bytes: Buffer.byteLength(f.contents) }))
  return { path: 'manifest.json', contents: JSON.stringify({ environment: env, files: entries }, null, 2) + '\n' }
}

/** Lays a Graphviz DOT graph out as SVG (diagram-layout.ts loads it). */
export type Layout = (dot: string) => string

/** The environment's picture: Mermaid always, SVG when a layout is given (the render commands give one). */
function renderDiagram(model: Model, layout?: Layout): RenderedFile[] {
  const diagram = environmentDiagram(model)
  return [
    { path: 'diagram.mmd', contents: toMermaid(diagram) },
    ...(layout ? [{ path: 'diagram.svg', contents: layout(toDot(diagram)) }] : []),
  ]
}

/** Every rendered file of the environment, sorted by path, with manifest.json last. */
export function renderEnvironment(model: Model, inputs: RenderInputs, layout?: Layout): RenderedFile[] {
  const stackFiles = inputs.stacks ? renderStackFiles(model, inputs.stacks) : []
  const files = [
    ...renderDiagram(model, layout),
    ...model.apps.flatMap((app) => renderAppFiles(app, model, inputs.nginx).map(under(`apps/${app.name}`))),
    ...model.env.instanceGroups
      .filter((g) => ownersOf(model, g).length > 0)
      .map((g) => renderCloudWatchAgent(model, g)),
    ...renderBackupAgentFiles(model).map(under(BACKUP_AGENT)),
    ...stackFiles.map(under('cloudformation')),
  ].sort(byText((f) => f.path))
  const dupes = files.filter((f, i) => i > 0 && files[i - 1]!.path === f.path)
  if (dupes.length) throw new Error(`two renderers wrote ${dupes.map((f) => f.path).join(', ')}`)
  return [...files, renderManifest(model.env.name, files)]
}
