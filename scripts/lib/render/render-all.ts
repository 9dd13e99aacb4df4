// Renders one environment with what it needs from the repository: the templates in cloudformation/ (reads files).
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Model } from '../config/model.ts'
import { parseTemplate, type Template } from '../cloudformation/read-template.ts'
import { renderEnvironment, type Layout } from './environment.ts'
import { renderStackFiles } from './stack-files.ts'
import type { RenderedFile } from './types.ts'

// Templates are content, like the YAML: a pull request's plan reads them from the pull request's tree (`root`)
// while the code that reads them is the target branch's. Parsing is data only; nothing in them runs here.
const thisCheckout = new URL('../../../', import.meta.url).pathname
const parsed = new Map<string, Map<string, Template>>()

/** Every template under ROOT/cloudformation/, parsed once per process and root. */
export function readTemplates(root: string = thisCheckout): Map<string, Template> {
  const dir = join(resolve(root), 'cloudformation')
  let templates = parsed.get(dir)
  if (!templates) {
    templates = new Map(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, parseTemplate(readFileSync(join(dir, f), 'utf8'))]))
    parsed.set(dir, templates)
  }
  return templates
}

/** `layout`: Graphviz, for diagram.svg (loadLayout); without it the render has the Mermaid picture alone. */
export function renderAll(model: Model, root?: string, layout?: Layout): RenderedFile[] {
  return renderEnvironment(model, renderStackFiles(model, readTemplates(root)), layout)
}
