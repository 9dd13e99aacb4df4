// history ENV [APP]: the deployments recorded in the audit log, oldest first.
import { parseCommand } from '../lib/cli/args.ts'
import { wire } from './wiring/aws.ts'
import { formatHistory } from '../lib/apply/history.ts'
import { readAudit } from '../lib/apply/state.ts'

export const summary = 'list the deployments of an environment (or one app) from the audit log'
const usage = 'history ENV [APP] [--root DIR] [--format text|json]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(usage, argv, { format: { type: 'string' } }, { min: 1, max: 2 })
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const { model, svc } = await wire(values, positionals[0]!)
  const records = (await readAudit(svc.store, model.env.name)).filter(
    (r) => !positionals[1] || r.app === positionals[1],
  )
  process.stdout.write(values.format === 'json' ? JSON.stringify(records, null, 2) + '\n' : formatHistory(records))
  return 0
}
