// drift ENV: stacks drifted from their templates and apps or instances off their desired revision; exit 1 when anything drifted.
import { resolve } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { skipTemplates, wire } from './wiring/aws.ts'
import { runDrift } from '../lib/apply/drift.ts'

export const summary = 'report stacks that drifted from their templates and instances off their desired revision'
const usage = 'drift ENV [--root DIR] [--skip-template FILE]...'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { 'skip-template': { type: 'string', multiple: true } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const { model, svc } = await wire(values, positionals[0]!, 2000)
  const r = await runDrift(model, svc, {
    root: resolve(values.root ?? '.'),
    skip: skipTemplates(values['skip-template']),
  })
  console.log([...r.lines, `drift ${model.env.name}: ${r.drifted ? `${r.drifted} finding(s)` : 'none'}`].join('\n'))
  return r.drifted ? 1 : 0
}
