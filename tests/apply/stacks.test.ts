// applyStacks with a scripted StackUpdater: order, no-change stacks, a failed update reported with resources, reasons and recovery (pure, no AWS).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { StackOutcome, StackUpdater } from '../../scripts/lib/aws/stack-updater.ts'
import { cfnStackUpdater } from '../../scripts/lib/aws/stack-updater.ts'
import { applyStacks, stackFailureReport, type PlannedStack, type StackResult } from '../../scripts/lib/apply/stacks.ts'

const spec = (stack: string, after: string[] = []): PlannedStack => ({
  stack,
  template: `${stack}.yaml`,
  templateBody: '{}',
  parameters: {},
  tags: {},
  after,
})

function scripted(
  statuses: Record<string, string | undefined>,
  outcomes: Record<string, StackOutcome>,
  calls: string[],
): StackUpdater {
  return {
    status: async (s) => statuses[s],
    parameters: async () => ({}),
    createChangeSet: async (s) => {
      calls.push(`create-change-set ${s.stack}`)
      return {
        id: `cs-${s.stack}`,
        type: statuses[s.stack] ? 'UPDATE' : 'CREATE',
        changes: [],
        noChanges: s.stack === 'same',
      }
    },
    deleteChangeSet: async (s) => {
      calls.push(`delete-change-set ${s}`)
    },
    execute: async (s) => {
      calls.push(`execute ${s.stack}`)
    },
    wait: async (s) => outcomes[s]!,
    drift: async () => ({ status: 'UNAVAILABLE', resources: [] }),
    deployedStacks: async () => new Map(),
    resolveSsm: async () => ({}),
  }
}

test('stops at the first failed stack and reports its failed resources, reasons and the recovering command', async () => {
  const calls: string[] = []
  const logs: string[] = []
  const results = await applyStacks(
    [spec('new'), spec('same', ['new']), spec('app', ['same']), spec('after', ['app'])],
    scripted(
      { same: 'UPDATE_COMPLETE', app: 'UPDATE_COMPLETE' },
      {
        new: { status: 'CREATE_COMPLETE', failures: [] },
        app: {
          status: 'UPDATE_ROLLBACK_FAILED',
          failures: [
            {
              logicalId: 'TargetGroup',
              type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
              status: 'UPDATE_FAILED',
              reason: 'port 70000 out of range',
            },
          ],
        },
      },
      calls,
    ),
    { commit: 'abc', skip: () => undefined, log: (l) => logs.push(l) },
  )
  assert.equal(
    results.map((r) => r.outcome),
    ['created', 'unchanged', 'failed'],
  )
  assert.equal(calls, [
    'create-change-set new',
    'execute new',
    'create-change-set same',
    'delete-change-set same',
    'create-change-set app',
    'execute app',
  ])
  assert.fixture(
    stackFailureReport(results[2] as Extract<StackResult, { outcome: 'failed' }>),
    [
      'stack app failed (UPDATE_ROLLBACK_FAILED)',
      '  TargetGroup (AWS::ElasticLoadBalancingV2::TargetGroup) UPDATE_FAILED: port 70000 out of range',
      '  to recover: aws cloudformation continue-update-rollback --stack-name app  # add --resources-to-skip for resources that cannot roll back',
    ].join('\n'),
  )
})

test('a stack already left in ROLLBACK_COMPLETE is not touched, and the report says how to recover', async () => {
  const calls: string[] = []
  const [r] = await applyStacks([spec('data')], scripted({ data: 'ROLLBACK_COMPLETE' }, {}, calls), {
    commit: 'abc',
    skip: () => undefined,
    log: () => {},
  })
  assert.equal(calls, [])
  assert.is(
    stackFailureReport(r as Extract<StackResult, { outcome: 'failed' }>),
    'stack data failed (ROLLBACK_COMPLETE): the stack is ROLLBACK_COMPLETE\n  to recover: aws cloudformation delete-stack --stack-name data  # then run apply again',
  )
})

test('drift unavailable is one line: an endpoint without the operation, or the first line of the error', async () => {
  const failing = (e: Error) =>
    cfnStackUpdater(
      {
        send: async () => {
          throw e
        },
      } as never,
      { pollMs: 1 },
    )
  const html = Object.assign(
    new Error(
      'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.\n<html>',
    ),
    { name: 'SyntaxError' },
  )
  assert.equal(await failing(html).drift('s'), {
    status: 'UNAVAILABLE',
    resources: [],
    unavailable: 'the endpoint does not implement drift detection',
  })
  const other = Object.assign(new Error('Stack with id s does not exist\nmore detail'), { name: 'ValidationError' })
  assert.is((await failing(other).drift('s')).unavailable, 'ValidationError: Stack with id s does not exist')
  const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
  const thrown = await failing(down)
    .drift('s')
    .catch((e) => e)
  assert.is(thrown.code, 'ECONNREFUSED', "no endpoint is the command's failure, not one stack's")
})

test.run()
