// Parses a command's argv with node:util, turning unknown flags into usage errors (pure).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.ts'

type Options = NonNullable<ParseArgsConfig['options']>

export function parseCommand<O extends Options>(usage: string, argv: string[], options: O, positionals: { min: number; max: number }) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { ...options, root: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`)
  }
  const values = parsed.values as Record<string, unknown> & { root?: string; help?: boolean }
  const n = parsed.positionals.length
  if (!values.help && (n < positionals.min || n > positionals.max)) throw new UsageError(`usage: ${usage}`)
  return { values, positionals: parsed.positionals }
}
