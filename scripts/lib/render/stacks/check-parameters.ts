// Checks a stack's rendered parameters against its template's declarations, as CloudFormation would (pure).
import type { StackInstance } from './common.ts'

export type TemplateParameter = {
  Type: string
  Default?: unknown
  AllowedValues?: unknown[]
  AllowedPattern?: string
  MinValue?: number
  MaxValue?: number
  MinLength?: number
  MaxLength?: number
}

const isList = (type: string) => type === 'CommaDelimitedList' || type.startsWith('List<')

function valueProblems(name: string, decl: TemplateParameter, value: string): string[] {
  const problems: string[] = []
  const items = isList(decl.Type) ? value.split(',') : [value]
  for (const item of items) {
    if (decl.AllowedValues && !decl.AllowedValues.map(String).includes(item)) {
      problems.push(`${name} "${item}" is not one of ${decl.AllowedValues.map(String).join(', ')}`)
    }
    // CloudFormation matches the whole value against AllowedPattern.
    if (decl.AllowedPattern !== undefined && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(item)) {
      problems.push(`${name} "${item}" does not match ${decl.AllowedPattern}`)
    }
  }
  if (decl.Type === 'Number') {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n)) problems.push(`${name} "${value}" is not a number`)
    else {
      if (decl.MinValue !== undefined && n < decl.MinValue)
        problems.push(`${name} ${value} is below MinValue ${decl.MinValue}`)
      if (decl.MaxValue !== undefined && n > decl.MaxValue)
        problems.push(`${name} ${value} is above MaxValue ${decl.MaxValue}`)
    }
  }
  if (decl.MinLength !== undefined && value.length < decl.MinLength)
    problems.push(`${name} is shorter than MinLength ${decl.MinLength}`)
  if (decl.MaxLength !== undefined && value.length > decl.MaxLength)
    problems.push(`${name} is longer than MaxLength ${decl.MaxLength}`)
  return problems
}

/** Problems with one stack's parameters against its template's declarations; empty when fine. */
export function checkParameters(stack: StackInstance, declared: Record<string, TemplateParameter>): string[] {
  const at = `${stack.stack} (${stack.template})`
  const problems: string[] = []
  for (const [name, decl] of Object.entries(declared)) {
    if (!(name in stack.parameters) && decl.Default === undefined) problems.push(`${at}: parameter ${name} is required`)
  }
  for (const [name, value] of Object.entries(stack.parameters)) {
    const decl = declared[name]
    if (!decl) problems.push(`${at}: parameter ${name} is not declared by the template`)
    else problems.push(...valueProblems(name, decl, value).map((p) => `${at}: ${p}`))
  }
  return problems
}
