// The README's command list against each command's own usage line, which is what --help prints and which
// parseCommand checks against the flags the command really parses: every command listed, with the same flags.
// Reads README.md and imports scripts/commands/ (each runs only its --help).
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = new URL('../', import.meta.url).pathname
const readme = readFileSync(`${root}README.md`, 'utf8')
const block = readme.slice(readme.indexOf('## Commands')).match(/```\n([\s\S]*?)```/)?.[1] ?? ''

/** README entries by command: a line at column 0 starts one (`npm start` is the `all` command), indented lines go on. */
const listed = new Map<string, string>()
let current = ''
for (const line of block.split('\n').filter(Boolean)) {
  if (/^\S/.test(line)) listed.set((current = line.startsWith('npm start') ? 'all' : line.split(' ')[0]!), '')
  listed.set(current, `${listed.get(current)} ${line.replace(/#.*$/, '')}`)
}
// Every command takes --root and --help (the README says so once, below the list).
const flags = (text: string) =>
  [...new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))]
    .filter((f) => f !== '--root' && f !== '--help')
    .sort()

async function helpOf(command: string): Promise<string> {
  const printed: string[] = []
  const log = console.log
  console.log = (...parts: unknown[]) => void printed.push(parts.join(' '))
  try {
    const code = await (await import(`${root}scripts/commands/${command}.ts`)).run(['--help'])
    assert.is(code, 0, `${command} --help`)
  } finally {
    console.log = log
  }
  return printed.join('\n')
}

const commands = readdirSync(`${root}scripts/commands`)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort()

test('the README lists every command, and only those', () => {
  assert.ok(block.length > 0, 'no command block under "## Commands"')
  assert.equal([...listed.keys()].sort(), commands)
})

test('each command: the README names exactly the flags its --help names', async () => {
  const wrong: string[] = []
  for (const command of commands) {
    const help = flags(await helpOf(command))
    const documented = flags(listed.get(command) ?? '')
    if (help.join(' ') !== documented.join(' '))
      wrong.push(`${command}: --help ${help.join(' ')} | README ${documented.join(' ')}`)
  }
  assert.equal(wrong, [])
})

test.run()
