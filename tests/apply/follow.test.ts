// followDeployment with scripted deployers: progress lines per instance and event, absent lifecycle events, timeout (pure, no AWS).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Deployer, DeploymentState, InstanceState } from '../../scripts/lib/aws/deployer.ts'
import { followDeployment } from '../../scripts/lib/apply/follow.ts'

const overview = (s: number, p: number, f = 0) => ({ Pending: p, InProgress: 0, Succeeded: s, Failed: f, Skipped: 0 })
function scripted(states: DeploymentState[], instances: (InstanceState[] | undefined)[]): Deployer {
  let i = 0
  return {
    register: async () => true,
    create: async () => 'd-1',
    get: async () => states[Math.min(i, states.length - 1)]!,
    instances: async () => instances[Math.min(i++, instances.length - 1)],
  }
}
const opts = (lines: string[], timeoutMs = 10_000) => ({
  label: 'api',
  log: (l: string) => lines.push(l),
  pollMs: 0,
  timeoutMs,
  sleep: async () => {},
})

test('one line per change: overall status, then each instance event as it moves', async () => {
  const lines: string[] = []
  const ev = (name: string, status: string) => ({ name, status })
  const r = await followDeployment(
    scripted(
      [
        { id: 'd-1', status: 'InProgress', overview: overview(0, 2) },
        { id: 'd-1', status: 'InProgress', overview: overview(1, 1) },
        { id: 'd-1', status: 'Succeeded', overview: overview(2, 0) },
      ],
      [
        [
          {
            instanceId: 'i-1',
            status: 'InProgress',
            events: [ev('BeforeInstall', 'Succeeded'), ev('ValidateService', 'Pending')],
          },
        ],
        [
          {
            instanceId: 'i-1',
            status: 'Succeeded',
            events: [ev('BeforeInstall', 'Succeeded'), ev('ValidateService', 'Succeeded')],
          },
        ],
      ],
    ),
    'd-1',
    opts(lines),
  )
  assert.is(r.state.status, 'Succeeded')
  assert.equal(lines, [
    'api d-1: InProgress (instances: 0 succeeded, 0 in progress, 2 pending, 0 failed)',
    'api d-1 i-1 BeforeInstall: Succeeded',
    'api d-1: InProgress (instances: 1 succeeded, 0 in progress, 1 pending, 0 failed)',
    'api d-1 i-1 ValidateService: Succeeded',
    'api d-1: Succeeded (instances: 2 succeeded, 0 in progress, 0 pending, 0 failed)',
  ])
})

test('without lifecycle events it says so once and follows the status', async () => {
  const lines: string[] = []
  const r = await followDeployment(
    scripted(
      [
        { id: 'd-1', status: 'Created', overview: overview(0, 0) },
        { id: 'd-1', status: 'Succeeded', overview: overview(2, 0) },
      ],
      [undefined],
    ),
    'd-1',
    opts(lines),
  )
  assert.is(r.failure, undefined)
  assert.equal(lines, [
    'api d-1: Created (instances: 0 succeeded, 0 in progress, 0 pending, 0 failed)',
    'api d-1: per-instance lifecycle events are not available from this endpoint; following the deployment status only',
    'api d-1: Succeeded (instances: 2 succeeded, 0 in progress, 0 pending, 0 failed)',
  ])
})

test('a deployment that never ends times out with an error', async () => {
  const r = await followDeployment(
    scripted([{ id: 'd-1', status: 'Created', overview: overview(0, 0) }], [undefined]),
    'd-1',
    opts([], -1),
  )
  assert.equal(r.state.error, { code: 'TIMEOUT', message: 'still Created after 0 s' })
})

test.run()
