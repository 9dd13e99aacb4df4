// apply ENV: lock, stacks through change sets, then a revision bundle and a CodeDeploy deployment per changed app.
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { folderArtifacts, storeArtifacts } from '../lib/apply/bundle.ts'
import { skipTemplates, wire } from '../lib/apply/cli.ts'
import { LockHeldError } from '../lib/apply/lock.ts'
import { runApply } from '../lib/apply/run-apply.ts'

export const summary = 'apply the environment: stacks through change sets, then CodeDeploy one instance at a time'
const usage = 'apply ENV [--root DIR] [--artifacts DIR] [--commit SHA] [--force-unlock] [--lock-ttl SECONDS] [--skip-template FILE]... [--role-arn ARN]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(usage, argv, {
    artifacts: { type: 'string' }, commit: { type: 'string' }, 'force-unlock': { type: 'boolean' }, 'lock-ttl': { type: 'string' },
    'skip-template': { type: 'string', multiple: true }, 'role-arn': { type: 'string' }, 'poll-ms': { type: 'string' },
  }, { min: 1, max: 1 })
  if (values.help) return console.log(`usage: ${usage}`), 0
  const ttl = values['lock-ttl'] === undefined ? 7200 : Number(values['lock-ttl'])
  if (!Number.isInteger(ttl) || ttl < 60) throw new UsageError(`--lock-ttl must be whole seconds, at least 60\nusage: ${usage}`)
  const { model, svc, rt } = await wire(values, positionals[0]!, values['poll-ms'] ? Number(values['poll-ms']) : 5000)
  const artifacts = typeof values.artifacts === 'string' ? folderArtifacts(values.artifacts) : storeArtifacts(svc.store)
  try {
    const r = await runApply(model, svc, rt, { artifacts, skipStack: skipTemplates(values['skip-template']), forceUnlock: !!values['force-unlock'], lockTtlSeconds: ttl })
    console.log(r.summary)
    return r.code
  } catch (e) {
    if (e instanceof LockHeldError) return console.error(e.message), 1
    throw e
  }
}
