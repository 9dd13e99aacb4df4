// sandbox [down]: an environment (staging) on this machine: moto, booted instances with the real CodeDeploy agent,
// releases by ops release, everything else by apply; the apps' 127.0.0.1 URLs and a plan; down stops it all.
import { join, resolve } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { sandboxDown } from '../lib/sandbox/down.ts'
import { sandboxUp, urlLines } from '../lib/sandbox/up.ts'

export const summary = 'staging on this machine: moto, local instances with the CodeDeploy agent, URLs and a plan'
const usage = 'npm run sandbox [-- down] [--env ENV (default: staging)] [--dir DIR (default: .sandbox)]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { env: { type: 'string' }, dir: { type: 'string' } },
    { min: 0, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const root = resolve(values.root ?? '.')
  const dir = resolve((values.dir as string | undefined) ?? join(root, '.sandbox'))
  if (positionals[0] === 'down') {
    const said = await sandboxDown(dir)
    console.log(said.length ? said.join('\n') : `no sandbox in ${dir}`)
    return 0
  }
  if (positionals.length) throw new UsageError(`usage: ${usage}`)
  const env = (values.env as string | undefined) ?? 'staging'
  const started = Date.now()
  const state = await sandboxUp({ root, dir, env, say: (line) => console.log(line) })
  console.log(`\nsandbox ${env} up in ${((Date.now() - started) / 1000).toFixed(0)} s; its apps answer at:`)
  console.log(urlLines(state.urls).join('\n'))
  console.log(`\nstop it with: npm run sandbox -- down`)
  return 0
}
