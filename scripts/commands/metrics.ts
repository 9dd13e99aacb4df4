// metrics ENV: the four DORA keys per app and overall, from the audit log (deploys, failures, rollbacks, commit times).
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { wire } from './wiring/aws.ts'
import { deliveryMetrics, formatMetrics } from '../lib/apply/delivery-metrics.ts'
import { readAudit } from '../lib/apply/state.ts'

export const summary =
  'delivery metrics (deployment frequency, lead time, change failure rate, time to restore) from the audit log'
const usage = 'metrics ENV [--since DAYS] [--format text|markdown|json] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { since: { type: 'string' }, format: { type: 'string' } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const days = values.since === undefined ? 30 : Number(values.since)
  if (!Number.isFinite(days) || days <= 0 || days > 3650)
    throw new UsageError(`--since must be a number of days between 0 and 3650\nusage: ${usage}`)
  const format = (values.format as string | undefined) ?? 'text'
  if (!['text', 'markdown', 'json'].includes(format))
    throw new UsageError(`--format must be text, markdown or json\nusage: ${usage}`)
  const { model, svc, rt } = await wire(values, positionals[0]!)
  const metrics = deliveryMetrics(await readAudit(svc.store, model.env.name), rt.now(), days)
  process.stdout.write(
    format === 'json'
      ? JSON.stringify({ environment: model.env.name, days, metrics }, null, 2) + '\n'
      : formatMetrics(model.env.name, days, metrics, format as 'text' | 'markdown'),
  )
  return 0
}
