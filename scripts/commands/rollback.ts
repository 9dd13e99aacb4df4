// rollback ENV APP [--to REVISION]: redeploys the last good (or the named) revision from the audit log.
import { parseCommand } from '../lib/cli/args.ts'
import { wire } from './wiring/aws.ts'
import { LockHeldError } from '../lib/apply/lock.ts'
import { RollbackTargetError, runRollback } from '../lib/apply/rollback.ts'

export const summary = "redeploy an app's previous (or named) revision from the audit log"
const usage = 'rollback ENV APP [--root DIR] [--to REVISION] [--commit SHA] [--force-unlock] [--poll-ms MS]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      to: { type: 'string' },
      commit: { type: 'string' },
      'force-unlock': { type: 'boolean' },
      'poll-ms': { type: 'string' },
    },
    { min: 2, max: 2 },
  )
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const { model, svc, rt } = await wire(values, positionals[0]!, values['poll-ms'] ? Number(values['poll-ms']) : 5000)
  try {
    const r = await runRollback(model, positionals[1]!, svc, rt, {
      to: values.to as string | undefined,
      forceUnlock: !!values['force-unlock'],
    })
    console.log(r.summary)
    return r.code
  } catch (e) {
    if (e instanceof LockHeldError || e instanceof RollbackTargetError) return (console.error(e.message), 1)
    throw e
  }
}
