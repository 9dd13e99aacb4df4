// The pipeline commands refuse bad usage before touching AWS: each throws UsageError, which ops.ts turns into exit 2 (no I/O).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UsageError } from '../../scripts/lib/cli/errors.ts'
import * as plan from '../../scripts/commands/plan.ts'
import * as apply from '../../scripts/commands/apply.ts'
import * as rollback from '../../scripts/commands/rollback.ts'
import * as history from '../../scripts/commands/history.ts'
import * as drift from '../../scripts/commands/drift.ts'

const refused = async (run: (argv: string[]) => Promise<number>, argv: string[]) => {
  const e = await run(argv).then(
    () => undefined,
    (x) => x,
  )
  assert.instance(e, UsageError, argv.join(' '))
  return (e as Error).message
}

test('usage errors name the command line that is expected', async () => {
  assert.is(
    await refused(plan.run, ['staging', '--format', 'html']),
    '--format must be text or markdown\nusage: plan ENV [--root DIR] [--full] [--format text|markdown] [--out FILE] [--markdown FILE] [--max-bytes N] [--skip-template FILE]... [--commit SHA] [--role-arn ARN] [--tools-commit SHA [--tools-changed FILE]]',
  )
  assert.match(
    await refused(plan.run, ['staging', '--tools-changed', 'x.txt']),
    /^--tools-changed needs --tools-commit\n/,
  )
  assert.match(
    await refused(plan.run, ['staging', '--tools-commit', 'main']),
    /^--tools-commit must be a commit id \(7 to 40 hex digits\), not "main"\n/,
  )
  assert.is(
    await refused(apply.run, ['staging', '--lock-ttl', '5']),
    '--lock-ttl must be whole seconds, at least 60\nusage: apply ENV [--root DIR] [--full] [--artifacts DIR] [--commit SHA] [--force-unlock] [--lock-ttl SECONDS] [--skip-template FILE]... [--role-arn ARN] [--poll-ms MS]',
  )
  assert.is(
    await refused(rollback.run, ['staging']),
    'usage: rollback ENV APP [--root DIR] [--to REVISION] [--commit SHA] [--force-unlock] [--poll-ms MS]',
  )
  assert.is(await refused(history.run, []), 'usage: history ENV [APP] [--root DIR] [--format text|json]')
  assert.match(await refused(drift.run, ['staging', '--nope']), /Unknown option '--nope'/)
})

test('every command has a one-line summary for the dispatcher', () => {
  for (const m of [plan, apply, rollback, history, drift]) assert.ok(m.summary.length > 20 && !m.summary.includes('\n'))
})

test.run()
