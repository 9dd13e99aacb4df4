// Loads what rendering reads besides the YAML (the templates in cloudformation/ and nginx/) and renders one
// environment with it: the edge around the pure renderEnvironment (reads files).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { Model } from '../config/model.ts'
import { parseTemplate, type Template } from '../cloudformation/read-template.ts'
import { renderEnvironment, type Layout, type RenderInputs } from './environment.ts'
import type { NginxTemplates } from './nginx.ts'
import type { RenderedFile } from './types.ts'
import { checkoutDir } from '../checkout.ts'

const parsed = new Map<string, Map<string, Template>>()
const nginxLoaded = new Map<string, NginxTemplates>()

// Templates are content, like the YAML: a pull request's plan reads them from the pull request's tree (`root`)
// while the code that reads them is the target branch's. Parsing is data only; nothing in them runs here.
/** Every template under ROOT/cloudformation/, parsed once per process and root. */
export function readTemplates(root: string = checkoutDir): Map<string, Template> {
  const dir = join(resolve(root), 'cloudformation')
  let templates = parsed.get(dir)
  if (!templates) {
    templates = new Map(
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => [f, parseTemplate(readFileSync(join(dir, f), 'utf8'))]),
    )
    parsed.set(dir, templates)
  }
  return templates
}

/**
 * nginx/ as text, read once per process. Always this checkout's: nunjucks templates can run code while they render,
 * so a pull request's templates are never rendered by the pipeline that plans it (its vhost diff shows the target
 * branch's templates over the pull request's YAML).
 */
export function loadNginxTemplates(dir: string = join(checkoutDir, 'nginx')): NginxTemplates {
  let loaded = nginxLoaded.get(dir)
  if (!loaded) {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort()
      .map((path) => [relative(dir, path), readFileSync(path, 'utf8')] as const)
    loaded = { files: new Map(files) }
    nginxLoaded.set(dir, loaded)
  }
  return loaded
}

/** What renderAll needs, from ROOT's cloudformation/ and this checkout's nginx/. */
export const loadRenderInputs = (root?: string): RenderInputs => ({
  nginx: loadNginxTemplates(),
  stacks: readTemplates(root),
})

/** `layout`: Graphviz, for diagram.svg (loadLayout); without it the render has the Mermaid picture alone. */
export function renderAll(model: Model, root?: string, layout?: Layout): RenderedFile[] {
  return renderEnvironment(model, loadRenderInputs(root), layout)
}
