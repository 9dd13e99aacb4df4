// Reads every template under cloudformation/ once for the CloudFormation tests (I/O: reads files).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTemplate, type Template } from '../../scripts/lib/cloudformation/read-template.ts'

export const TEMPLATE_DIR = fileURLToPath(new URL('../../cloudformation/', import.meta.url))
export const templateFiles = (): string[] =>
  readdirSync(TEMPLATE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
export const readTemplate = (file: string): Template => parseTemplate(readFileSync(join(TEMPLATE_DIR, file), 'utf8'))
export const allTemplates = (): Record<string, Template> =>
  Object.fromEntries(templateFiles().map((f) => [f, readTemplate(f)]))
