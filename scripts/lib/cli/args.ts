// Parses a command's argv with node:util, turning unknown flags into usage errors (pure).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.ts'

type Options = NonNullable<ParseArgsConfig['options']>

export function parseCommand<O extends Options>(
  usage: string,
  argv: string[],
  options: O,
  positionals: { min: number; max: number },
) {
  // The usage line is what --help prints and what the README's command list is checked against: a flag the command
  // parses but does not name there would be one nobody can find.
  const unnamed = Object.keys(options).filter((name) => !new RegExp(`(^|[^\\w-])--${name}([^\\w-]|$)`).test(usage))
  if (unnamed.length)
    throw new Error(`the usage line does not name ${unnamed.map((n) => `--${n}`).join(', ')}: ${usage}`)
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, root: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`)
  }
  const values = parsed.values as Record<string, unknown> & { root?: string; help?: boolean }
  const n = parsed.positionals.length
  if (!values.help && (n < positionals.min || n > positionals.max)) throw new UsageError(`usage: ${usage}`)
  return { values, positionals: parsed.positionals }
}
