// Small pure parts of apply: recovery commands, rollback targets, history table, the failure alert, desired revisions (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { recoveryCommand } from '../../scripts/lib/apply/recovery.ts'
import { rollbackTarget } from '../../scripts/lib/apply/rollback.ts'
import { formatHistory } from '../../scripts/lib/apply/history.ts'
import { deploymentAlert } from '../../scripts/lib/apply/alert.ts'
import { desiredApps } from '../../scripts/lib/apply/desired.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import type { AuditRecord } from '../../scripts/lib/apply/state.ts'
import { readModel } from '../../scripts/lib/config/read.ts'

test('a failed or rolled-back stack comes with the command that recovers it', () => {
  assert.equal(
    ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE', 'CREATE_COMPLETE'].map((s) =>
      recoveryCommand('x-data', s),
    ),
    [
      'aws cloudformation delete-stack --stack-name x-data  # then run apply again',
      'aws cloudformation continue-update-rollback --stack-name x-data  # add --resources-to-skip for resources that cannot roll back',
      undefined,
      undefined,
    ],
  )
})

const rec = (
  revision: string,
  result: AuditRecord['result'],
  endedAt: string,
  action: AuditRecord['action'] = 'deploy',
): AuditRecord => ({
  environment: 'production',
  app: 'api',
  action,
  who: 'ci',
  commit: 'c',
  version: revision.split('+')[0]!,
  revision,
  bundleKey: `bundles/${revision}`,
  sha256: `${revision.replace(/\W/g, '')}00000000`,
  deploymentId: `d-${endedAt.slice(11, 13)}`,
  startedAt: endedAt,
  endedAt,
  result,
})
const log = [
  rec('1.0+a', 'Succeeded', '2026-01-01T01:00:00Z'),
  rec('1.1+b', 'Succeeded', '2026-01-01T02:00:00Z'),
  rec('1.2+c', 'Failed', '2026-01-01T03:00:00Z'),
]

test('rollback picks the last good revision that is not running, or the named one', () => {
  assert.is(rollbackTarget(log, 'api', '1.1+b').revision, '1.0+a')
  assert.is(rollbackTarget(log, 'api', '1.0+a', '1.1+b').revision, '1.1+b')
  assert.throws(
    () => rollbackTarget(log, 'api', '1.1+b', '1.2+c'),
    /no successful deployment of api with revision 1.2\+c; known: 1.1\+b, 1.0\+a/,
  )
  assert.throws(
    () => rollbackTarget(log.slice(0, 1), 'api', '1.0+a'),
    /no earlier successful deployment of api to roll back to \(running 1.0\+a\)/,
  )
})

test('history is an aligned table, oldest first', () => {
  assert.fixture(
    formatHistory(log.slice(0, 2)),
    [
      'ended                 app  action  result     revision  deployment  commit  who',
      '2026-01-01T01:00:00Z  api  deploy  Succeeded  1.0+a     d-01        c       ci',
      '2026-01-01T02:00:00Z  api  deploy  Succeeded  1.1+b     d-02        c       ci',
      '',
    ].join('\n'),
  )
  assert.is(formatHistory([], 'web'), 'no deployments recorded for web\n')
})

test('the alert without diagnostics still says what failed', () => {
  const a = deploymentAlert({
    environment: 'production',
    app: 'api',
    version: '1.2',
    revision: '1.2+c',
    commit: 'c',
    who: 'ci',
    followed: {
      state: {
        id: 'd-9',
        status: 'Stopped',
        overview: { Pending: 1, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0 },
        error: { code: 'ALARM_ACTIVE', message: 'api-5xx in ALARM' },
      },
      failure: undefined,
    },
  })
  assert.is(a.subject, '[production] api deployment failed')
  assert.fixture(
    a.message,
    'Deployment d-9 of api 1.2 to production stopped.\n\nrevision: 1.2+c\ncommit: c\nstarted by: ci\ninstances: 1 succeeded, 0 failed, 1 not finished\nerror: ALARM_ACTIVE: api-5xx in ALARM\n\nCodeDeploy rolls the instances back automatically (DEPLOYMENT_FAILURE).\n',
  )
})

test('desired revisions are stable and change with the version or a hook', () => {
  const model = readModel(new URL('../../', import.meta.url).pathname, 'staging')
  const hooks = [{ path: 'a.sh', data: Buffer.from('echo a\n'), mode: 0o755 }]
  const one = desiredApps(model, hooks, loadNginxTemplates()).map((d) => d.revision)
  assert.equal(
    desiredApps(model, hooks, loadNginxTemplates()).map((d) => d.revision),
    one,
  )
  assert.ok(
    one.every((r, i) => r.startsWith(`${model.apps[i]!.version}+`) && /\+[0-9a-f]{12}$/.test(r)),
    one.join(),
  )
  const other = desiredApps(model, [{ ...hooks[0]!, data: Buffer.from('echo b\n') }], loadNginxTemplates()).map(
    (d) => d.revision,
  )
  assert.ok(other.every((r, i) => r !== one[i]))
})

test.run()
