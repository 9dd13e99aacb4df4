// Renders each stack's parameter files (CLI and CodePipeline forms), checked against its template's Parameters (pure).
import type { Model } from '../config/model.ts'
import type { Template } from '../cloudformation/read-template.ts'
import { stackInstances } from './stack-parameters.ts'
import { checkParameters, type TemplateParameter } from './stacks/check-parameters.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'
import { InputError } from '../cli/errors.ts'

/**
 * A rendered parameter the template does not accept (a template or a rule changed without the other): every problem,
 * one per line, exit 1, as an input error; the first line alone would hide which stack and which parameter.
 */
export class StackParameterError extends InputError {}

/** `templates` maps a file name in cloudformation/ to its parsed template. */
export function renderStackFiles(model: Model, templates: ReadonlyMap<string, Template>): RenderedFile[] {
  const problems: string[] = []
  const files = stackInstances(model).flatMap((s) => {
    const template = templates.get(s.template)
    if (!template) return (problems.push(`${s.stack}: no template cloudformation/${s.template}`), [])
    problems.push(...checkParameters(s, template.Parameters as Record<string, TemplateParameter>))
    const parameters = sortKeys(s.parameters)
    return [
      // `aws cloudformation create-change-set --parameters file://...`
      {
        path: `${s.stack}.params.json`,
        contents:
          JSON.stringify(
            Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
            null,
            2,
          ) + '\n',
      },
      // CodePipeline's template configuration file.
      {
        path: `${s.stack}.config.json`,
        contents: JSON.stringify({ Parameters: parameters, Tags: sortKeys(s.tags) }, null, 2) + '\n',
      },
    ]
  })
  if (problems.length)
    throw new StackParameterError(
      `stack parameters do not match their templates:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    )
  // The deployment order and what each stack waits for besides its imports: plan and apply read these files back.
  const order: StackEntry[] = stackInstances(model).map((s) => ({
    stack: s.stack,
    template: s.template,
    ...(s.after?.length ? { after: s.after } : {}),
  }))
  return [...files, { path: STACKS_FILE, contents: JSON.stringify(order, null, 2) + '\n' }]
}

type StackEntry = { stack: string; template: string; after?: string[] }
const STACKS_FILE = 'stacks.json'

/** A stack as its rendered files give it: what plan and apply send. */
export type RenderedStack = StackEntry & { parameters: Record<string, string>; tags: Record<string, string> }

/**
 * The stacks read back from renderStackFiles' output (stacks.json and each stack's config.json), so plan and apply send
 * exactly the parameters and tags a reviewer saw in build/ENV/cloudformation/.
 */
export function stacksFromFiles(files: RenderedFile[]): RenderedStack[] {
  const byPath = new Map(files.map((f) => [f.path, f.contents]))
  const read = (path: string) => {
    const text = byPath.get(path)
    if (text === undefined) throw new Error(`the rendered stacks have no ${path}`)
    return JSON.parse(text)
  }
  return (read(STACKS_FILE) as StackEntry[]).map((e) => {
    const config = read(`${e.stack}.config.json`) as {
      Parameters: Record<string, string>
      Tags: Record<string, string>
    }
    return { ...e, parameters: config.Parameters, tags: config.Tags }
  })
}
