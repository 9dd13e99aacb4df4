#!/usr/bin/env -S npx tsx
// The one entry point: `npm run ops -- <command> [args]`. It only dispatches; commands live in scripts/commands/.
import { InputError, UsageError } from './lib/cli/errors.ts'
import { ConfigError } from './lib/config/problems.ts'
import { explainError } from './lib/cli/explain-error.ts'

type Command = { run: (argv: string[]) => Promise<number>; summary: string }
const commands: Record<string, () => Promise<Command>> = {
  all: () => import('./commands/all.ts'),
  validate: () => import('./commands/validate.ts'),
  render: () => import('./commands/render.ts'),
  plan: () => import('./commands/plan.ts'),
  apply: () => import('./commands/apply.ts'),
  rollback: () => import('./commands/rollback.ts'),
  history: () => import('./commands/history.ts'),
  metrics: () => import('./commands/metrics.ts'),
  drift: () => import('./commands/drift.ts'),
  backup: () => import('./commands/backup.ts'),
  restore: () => import('./commands/restore.ts'),
  verify: () => import('./commands/verify.ts'),
  prune: () => import('./commands/prune.ts'),
  'mongo-tls': () => import('./commands/mongo-tls.ts'),
  'database-up': () => import('./commands/database-up.ts'),
  'deploy-local': () => import('./commands/deploy-local.ts'),
  release: () => import('./commands/release.ts'),
  promote: () => import('./commands/promote.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
}

const usage = () =>
  `usage: npm run ops -- <command> [options]\n\ncommands:\n${Object.keys(commands)
    .sort()
    .map((c) => `  ${c}`)
    .join(
      '\n',
    )}\n\nEvery command takes --root DIR (default: the current folder), --help, and --debug (stack traces of unexpected errors).`

async function main(args: string[]): Promise<number> {
  // --debug anywhere: unexpected errors keep their stack trace.
  const debug = args.includes('--debug')
  const argv = args.filter((a) => a !== '--debug')
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === 'help') {
    console.log(usage())
    return name ? 0 : 2
  }
  const load = commands[name]
  if (!load) {
    console.error(`unknown command '${name}'\n${usage()}`)
    return 2
  }
  try {
    return await (await load()).run(rest)
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message)
      return 2
    }
    if (e instanceof ConfigError || e instanceof InputError) {
      console.error(e.message)
      return 1
    }
    if (debug) throw e
    console.error(`${name}: ${explainError(e)}`)
    return 1
  }
}

// Exit once the command has reported: a request still hanging on a frozen endpoint (its socket, the SDK's retries)
// must not keep a failed backup alive until systemd's timeout. stdout and stderr are synchronous on Linux pipes and files.
process.exit(await main(process.argv.slice(2)))
