// Every resource of every stack of an environment, resolved with that stack's rendered parameters, imports kept
// symbolic (`import:NAME`): what the template tests read (pure but for reading the templates once).
import type { Model } from '../../scripts/lib/config/model.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import { Resolver } from './resolve.ts'
import { allTemplates } from './templates.ts'

export type StackResource = {
  stack: string
  template: string
  id: string
  Type: string
  Properties: Record<string, any>
  UpdatePolicy?: Record<string, any>
}

let templates: ReturnType<typeof allTemplates> | undefined

export function stackResources(model: Model): StackResource[] {
  templates ??= allTemplates()
  return stackInstances(model).flatMap((s) => {
    const r = new Resolver({
      template: templates![s.template]!,
      parameters: s.parameters,
      accountId: model.env.account,
      region: model.env.region,
      stackName: s.stack,
      importValue: (name) => `import:${name}`,
    })
    return Object.entries(r.resources()).map(([id, res]) => ({ stack: s.stack, template: s.template, id, ...res }))
  })
}
