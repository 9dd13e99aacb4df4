// The DORA keys from a made audit log whose answers are worked out by hand (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { deliveryMetrics, formatMetrics } from '../../scripts/lib/apply/delivery-metrics.ts'
import type { AuditRecord } from '../../scripts/lib/apply/state.ts'
import { deliveryData } from '../../scripts/lib/aws/delivery-publisher.ts'

const rec = (
  app: string,
  action: AuditRecord['action'],
  result: AuditRecord['result'],
  endedAt: string,
  committedAt?: string,
): AuditRecord => ({
  environment: 'production',
  app,
  action,
  result,
  endedAt,
  startedAt: endedAt,
  committedAt,
  who: 'w',
  commit: 'c',
  version: '1',
  revision: 'r',
  bundleKey: 'k',
  sha256: 's',
  deploymentId: 'd',
})
const log = [
  rec('b', 'deploy', 'Succeeded', '2026-11-10T00:00:00Z', '2026-11-09T00:00:00Z'), // before the window
  rec('a', 'deploy', 'Succeeded', '2026-11-22T10:00:00Z', '2026-11-22T08:00:00Z'), // lead 2 h
  rec('a', 'deploy', 'Failed', '2026-11-23T10:00:00Z'), // incident: restored by the next good deploy, 3 h later
  rec('a', 'deploy', 'Succeeded', '2026-11-23T13:00:00Z', '2026-11-23T12:00:00Z'), // lead 1 h
  rec('a', 'deploy', 'Succeeded', '2026-11-25T10:00:00Z', '2026-11-25T06:00:00Z'), // lead 4 h, and bad: rolled back
  rec('a', 'rollback', 'Succeeded', '2026-11-25T11:30:00Z'), // incident from 10:00, restored by itself: 1.5 h
  rec('b', 'deploy', 'Succeeded', '2026-11-30T00:00:00Z', '2026-11-29T00:00:00Z'), // lead 24 h
  rec('b', 'deploy', 'Stopped', '2026-11-30T12:00:00Z'), // incident, not restored yet
]

test('per app and overall: frequency, median lead time, failure rate with rollbacks, median time to restore', () => {
  const m = deliveryMetrics(log, new Date('2026-12-01T00:00:00Z'), 10)
  assert.equal(m, [
    {
      scope: 'a',
      deployments: 4,
      perDay: 0.3,
      leadTimeHours: 2,
      changeFailureRate: 0.5,
      restoreHours: 2.25,
      incidents: 2,
    },
    {
      scope: 'b',
      deployments: 2,
      perDay: 0.1,
      leadTimeHours: 24,
      changeFailureRate: 0.5,
      restoreHours: undefined,
      incidents: 1,
    },
    {
      scope: 'all',
      deployments: 6,
      perDay: 0.4,
      leadTimeHours: 3,
      changeFailureRate: 0.5,
      restoreHours: 2.25,
      incidents: 3,
    },
  ])
})

test('a rollback after a failed deploy is the same incident; one that began before the window counts when it ends in it', () => {
  const c = [
    rec('c', 'deploy', 'Succeeded', '2026-11-19T00:00:00Z'),
    rec('c', 'deploy', 'Failed', '2026-11-20T22:00:00Z'), // before the window, restored inside it by the rollback
    rec('c', 'rollback', 'Succeeded', '2026-11-21T02:00:00Z'),
    rec('c', 'deploy', 'Succeeded', '2026-11-22T00:00:00Z'),
  ]
  const [m] = deliveryMetrics(c, new Date('2026-12-01T00:00:00Z'), 10)
  assert.equal(m, {
    scope: 'c',
    deployments: 1,
    perDay: 0.1,
    leadTimeHours: undefined,
    changeFailureRate: 0,
    restoreHours: 4,
    incidents: 1,
  })
})

test('an empty window says so rather than dividing by nothing', () => {
  const [a] = deliveryMetrics(log, new Date('2026-12-31T00:00:00Z'), 3)
  assert.equal(a, {
    scope: 'a',
    deployments: 0,
    perDay: 0,
    leadTimeHours: undefined,
    changeFailureRate: undefined,
    restoreHours: undefined,
    incidents: 0,
  })
})

test('text and markdown tables', () => {
  const m = deliveryMetrics(log, new Date('2026-12-01T00:00:00Z'), 10)
  assert.fixture(
    formatMetrics('production', 10, m, 'text'),
    [
      'delivery of production over the last 10 days (DORA keys, from the audit log)',
      'app  deploys  good/day  lead time (median)  change failure rate  time to restore (median)  incidents',
      'a    4        0.30      2.0 h               50 %                 2.3 h                     2',
      'b    2        0.10      24.0 h              50 %                 —                         1',
      'all  6        0.40      3.0 h               50 %                 2.3 h                     3',
      '',
    ].join('\n'),
  )
  assert.ok(formatMetrics('production', 10, m, 'markdown').includes('| all | 6 | 0.40 | 3.0 h | 50 % | 2.3 h | 3 |'))
})

test('published as CloudWatch data per scope; a key with no value in the window is left out', () => {
  const at = new Date('2026-12-01T00:00:00Z')
  const data = deliveryData('production', deliveryMetrics(log, at, 10), at)
  const of = (app: string) =>
    data
      .filter((d) => d.Dimensions!.some((x) => x.Name === 'App' && x.Value === app))
      .map((d) => [d.MetricName, d.Value, d.Unit])
  assert.equal(of('b'), [
    ['DeploymentsPerDay', 0.1, 'Count'],
    ['LeadTimeHours', 24, 'None'],
    ['ChangeFailureRate', 50, 'Percent'],
  ])
  assert.ok(data.every((d) => d.Dimensions![0]!.Value === 'production' && d.Timestamp === at))
})

test.run()
