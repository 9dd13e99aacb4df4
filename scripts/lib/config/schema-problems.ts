// Turns ajv errors into problems at the offending node, with plain messages and "did you mean" hints (pure).
import { closest, distance } from 'fastest-levenshtein'
import type { Problem } from './model.ts'
import { pointerToPath, problemAt, showPath, type Path } from './positions.ts'
import type { SchemaError } from './schemas.ts'
import type { Source } from './source.ts'

const show = (v: unknown) => {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v)
  return s.length > 60 ? s.slice(0, 57) + '...' : s
}

/** The nearest of `candidates` to `word`, when it is near enough to be a likely typo. */
export function suggest(word: string, candidates: string[]): string | undefined {
  if (!candidates.length) return undefined
  const best = closest(word, candidates)
  return distance(word.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
}

function describe(e: SchemaError, path: Path): { path: Path; at: 'key' | 'value'; message: string } {
  const where = showPath(path)
  const schema = (e.parentSchema ?? {}) as Record<string, any>
  const wanted = schema.title ? `must be ${schema.title}` : (e.message ?? 'is invalid')
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty)
      const known = Object.keys(schema.properties ?? {})
      const hint = suggest(key, known)
      const allowed = known.filter((k) => k !== '$schema')
      return {
        path: [...path, key],
        at: 'key',
        message:
          `unknown key '${key}' in ${where}` +
          (hint ? `; did you mean '${hint}'?` : allowed.length ? `; allowed keys: ${allowed.join(', ')}` : ''),
      }
    }
    case 'required':
      return {
        path,
        at: path.length ? 'key' : 'value',
        message: `${where} is missing required key '${e.params.missingProperty}'`,
      }
    case 'enum':
      return {
        path,
        at: 'value',
        message: `${where} is ${show(e.data)}; must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`,
      }
    case 'contains':
      return { path, at: 'value', message: `${where} must include ${show(schema.contains?.const ?? 'a valid item')}` }
    case 'not':
      return {
        path,
        at: 'value',
        message: `${where} must not be ${show(e.data)}${schema.description ? `: ${schema.description}` : ''}`,
      }
    case 'type':
      return {
        path,
        at: 'value',
        message: `${where} is ${show(e.data)}; must be ${TYPE_NAMES[e.params.type as string] ?? e.params.type}`,
      }
    case 'pattern':
    case 'format':
      return { path, at: 'value', message: `${where} is ${show(e.data)}; ${wanted}` }
    case 'false schema': {
      // A key a conditional schema rules out (a backup-age alarm's statistic, say): say so at the key.
      const key = String(path.at(-1) ?? '')
      return {
        path,
        at: 'key',
        message: `'${key}' does not apply in ${showPath(path.slice(0, -1))}, whose other keys decide it; remove it`,
      }
    }
    case 'minProperties':
    case 'minItems':
      return { path, at: path.length ? 'key' : 'value', message: `${where} ${e.message}` }
    default:
      return { path, at: 'value', message: `${where} is ${show(e.data)}; ${e.message}` }
  }
}

export function schemaProblems(source: Source, errors: SchemaError[]): Problem[] {
  const problems: Problem[] = []
  for (const e of errors) {
    // propertyNames reports the bad key through a nested error that carries the key name;
    // items tried by `contains` are not errors of their own.
    // An if/then's own "must match then schema" adds nothing to the error inside it.
    if (e.keyword === 'propertyNames' || e.keyword === 'if' || e.schemaPath.includes('/contains/')) continue
    const path = pointerToPath(e.instancePath)
    const propertyName = (e as SchemaError & { propertyName?: string }).propertyName
    const d =
      propertyName !== undefined
        ? {
            path: [...path, propertyName],
            at: 'key' as const,
            message: `key '${propertyName}' in ${showPath(path)}: ${((e.parentSchema ?? {}) as any).title ? `must be ${(e.parentSchema as any).title}` : e.message}`,
          }
        : describe(e, path)
    const p = problemAt(source, d.path, d.message, `schema-${e.keyword}`, d.at)
    if (!problems.some((q) => q.line === p.line && q.col === p.col && q.message === p.message)) problems.push(p)
  }
  return problems
}
