// Renders one environment with what it needs from the repository: the templates in cloudformation/ (reads files).
import { readdirSync, readFileSync } from 'node:fs'
import type { Model } from '../config/model.ts'
import { parseTemplate, type Template } from '../cloudformation/read-template.ts'
import { renderEnvironment } from './environment.ts'
import { renderStackFiles } from './stack-files.ts'
import type { RenderedFile } from './types.ts'

const templateDir = new URL('../../../cloudformation/', import.meta.url)
let templates: Map<string, Template> | undefined

/** Every template, parsed once per process. */
export function readTemplates(): Map<string, Template> {
  templates ??= new Map(
    readdirSync(templateDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, parseTemplate(readFileSync(new URL(f, templateDir), 'utf8'))]),
  )
  return templates
}

export function renderAll(model: Model): RenderedFile[] {
  return renderEnvironment(model, renderStackFiles(model, readTemplates()))
}
