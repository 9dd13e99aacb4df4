// apply ENV: lock, stacks through change sets, then a revision bundle and a CodeDeploy deployment per changed app.
import { resolve } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { folderArtifacts, storeArtifacts } from '../lib/apply/bundle.ts'
import { skipTemplates, wire } from './wiring/aws.ts'
import { DEFAULT_LOCK_TTL_S, LockHeldError, type Held } from '../lib/apply/lock.ts'
import { runApply } from '../lib/apply/run-apply.ts'

export const summary = 'apply the environment: stacks through change sets, then CodeDeploy one instance at a time'
const usage =
  'apply ENV [--root DIR] [--full] [--artifacts DIR] [--commit SHA] [--force-unlock] [--lock-ttl SECONDS] [--skip-template FILE]... [--role-arn ARN] [--poll-ms MS]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      artifacts: { type: 'string' },
      commit: { type: 'string' },
      'force-unlock': { type: 'boolean' },
      'lock-ttl': { type: 'string' },
      'skip-template': { type: 'string', multiple: true },
      'role-arn': { type: 'string' },
      'poll-ms': { type: 'string' },
      full: { type: 'boolean' },
    },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const ttl = values['lock-ttl'] === undefined ? DEFAULT_LOCK_TTL_S : Number(values['lock-ttl'])
  if (!Number.isInteger(ttl) || ttl < 60)
    throw new UsageError(`--lock-ttl must be whole seconds, at least 60\nusage: ${usage}`)
  const { model, svc, rt } = await wire(values, positionals[0]!, values['poll-ms'] ? Number(values['poll-ms']) : 5000)
  const artifacts = typeof values.artifacts === 'string' ? folderArtifacts(values.artifacts) : storeArtifacts(svc.store)
  // CodeBuild stops a timed-out build with SIGTERM: release the lock so the next run need not --force-unlock.
  // A deployment already started keeps going in CodeDeploy, which refuses a second one to the same group meanwhile.
  let held: Held | undefined
  const stop = (signal: NodeJS.Signals) => {
    console.error(`apply: ${signal}: releasing the lock and stopping`)
    void (held?.release() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  try {
    const r = await runApply(model, svc, rt, {
      artifacts,
      root: resolve(values.root ?? '.'),
      skipStack: skipTemplates(values['skip-template']),
      full: !!values.full,
      forceUnlock: !!values['force-unlock'],
      lockTtlSeconds: ttl,
      onLocked: (h) => {
        held = h
      },
    })
    console.log(r.summary)
    return r.code
  } catch (e) {
    if (e instanceof LockHeldError) return (console.error(e.message), 1)
    throw e
  } finally {
    process.removeListener('SIGTERM', stop)
    process.removeListener('SIGINT', stop)
  }
}
