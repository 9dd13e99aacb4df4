// A command's argv: flags its usage line names, positionals counted, every mistake a usage error (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCommand } from '../../scripts/lib/cli/args.ts'
import { UsageError } from '../../scripts/lib/cli/errors.ts'

const usage = 'ops plan ENV [--markdown FILE] [--debug]'
const options = { markdown: { type: 'string' }, debug: { type: 'boolean' } } as const
const parse = (argv: string[]) => parseCommand(usage, argv, options, { min: 1, max: 1 })

const usageError = (argv: string[]): string => {
  try {
    parse(argv)
  } catch (e) {
    assert.instance(e, UsageError)
    return (e as Error).message
  }
  throw new Error(`${argv.join(' ')} was accepted`)
}

test('flags and positionals; --root and --help come with every command', () => {
  const { values, positionals } = parse(['staging', '--markdown', 'p.md', '--root', 'x', '--debug'])
  assert.equal(positionals, ['staging'])
  assert.equal({ ...values }, { markdown: 'p.md', root: 'x', debug: true })
})

test('an unknown flag, a flag without its value, a wrong count of positionals: the usage line follows', () => {
  assert.match(usageError(['staging', '--markdwn', 'p.md']), /Unknown option '--markdwn'[\s\S]*\nusage: ops plan ENV/)
  assert.match(usageError(['staging', '--markdown']), /--markdown[\s\S]*\nusage: ops plan ENV/)
  assert.is(usageError([]), `usage: ${usage}`)
  assert.is(usageError(['staging', 'production']), `usage: ${usage}`)
})

test('--help needs no positionals', () => {
  assert.equal(parse(['--help']).values.help, true)
})

test('a flag the usage line does not name is a bug in the command, found before any argv is read', () => {
  assert.throws(
    () => parseCommand('ops plan ENV', [], { markdown: { type: 'string' } }, { min: 0, max: 1 }),
    (e: Error) => !(e instanceof UsageError) && /the usage line does not name --markdown/.test(e.message),
  )
  // --mark is not --markdown: a prefix does not count as naming it.
  assert.throws(() =>
    parseCommand('ops plan [--markdown-file F]', [], { markdown: { type: 'string' } }, { min: 0, max: 0 }),
  )
})

test.run()
