// Stacks wait only for what they import or are given by name, run side by side up to a bound, and stop starting on failure (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { criticalPath, stackDependencies } from '../../scripts/lib/apply/stack-graph.ts'
import { applyStacks, stackSpecs, type PlannedStack } from '../../scripts/lib/apply/stacks.ts'
import type { StackOutcome, StackUpdater } from '../../scripts/lib/aws/stack-updater.ts'
import { mapBounded } from '../../scripts/lib/apply/bounded.ts'

const short = (s: string) => s.replace('drsignet-production-', '')
const graph = () => {
  const deps = stackDependencies(stackSpecs(readModel('.', 'production')))
  return new Map([...deps].map(([s, d]) => [short(s), [...d].map(short).sort()]))
}

test('production: each stack waits for the stacks whose exports it imports, and for the topics it is given by ARN', () => {
  const g = graph()
  assert.equal(g.get('data'), [])
  assert.equal(g.get('network'), ['data'])
  assert.equal(g.get('app-patient-api'), [
    'alarm-patient-api-5xx',
    'alarm-patient-api-capacity',
    'alarm-patient-api-latency',
    'alarm-patient-api-unhealthy',
    'data',
    'deploy',
    'group-api',
    'load-balancer',
    'security',
    'target-patient-api',
    'topic-deployments',
  ])
  assert.equal(g.get('alarm-patient-api-5xx'), [
    'load-balancer',
    'target-patient-api',
    'topic-deployments',
    'topic-operations',
  ])
  assert.equal(g.get('target-patient-api'), ['network'])
  assert.equal(g.get('alarm-api-cpu-high'), ['group-api', 'topic-operations'])
  assert.equal(g.get('topic-deployments'), ['data'])
  // Independent branches: the topics, governance and the load balancer need only their bases; the instance groups wait
  // for the database stack, whose volume and address the database group's role may attach.
  // The app groups wait for their apps' target groups too, which they register their instances in.
  assert.equal(g.get('group-api'), [
    'data',
    'database',
    'network',
    'security',
    'target-doctor-api',
    'target-patient-api',
  ])
  assert.equal(g.get('group-database'), ['data', 'database', 'network', 'security'])
  // Six stacks deep, through the database's volume to the groups, then the deployment groups (apps, backup tool tie).
  const path = criticalPath(stackDependencies(stackSpecs(readModel('.', 'production'))))
  assert.is(path.cost, 6)
  assert.equal(path.stacks.map(short).slice(0, 4), ['data', 'network', 'security', 'database'])
})

const body = (exports: string[], imports: unknown[]) =>
  JSON.stringify({
    Resources: { R: { Type: 'AWS::SNS::Topic', Properties: { Refs: imports.map((i) => ({ 'Fn::ImportValue': i })) } } },
    Outputs: Object.fromEntries(exports.map((e, i) => [`O${i}`, { Value: 'x', Export: { Name: { 'Fn::Sub': e } } }])),
  })
const spec = (stack: string, exports: string[] = [], imports: unknown[] = [], after?: string[]): PlannedStack => ({
  stack,
  template: 't.yaml',
  templateBody: body(exports, imports),
  parameters: { Env: 'qa' },
  tags: {},
  after,
})

test('exports are matched by their resolved names; an unresolvable import waits for every stack before it', () => {
  const specs = [
    spec('a', ['${Env}-vpc']),
    spec('b', [], [{ 'Fn::Sub': '${Env}-vpc' }, 'external-export']),
    spec('c'),
    spec('d', [], [{ 'Fn::Sub': '${Unknown}-x' }]),
  ]
  const deps = stackDependencies(specs)
  assert.equal(
    [...deps].map(([s, d]) => `${s}<-${[...d].join(',')}`),
    ['a<-', 'b<-a', 'c<-', 'd<-a,b,c'],
  )
  assert.throws(
    () => stackDependencies([spec('x', ['x-out'], ['y-out']), spec('y', ['y-out'], ['x-out'])]),
    /import from each other in a cycle: x -> y -> x/,
  )
})

/** An updater whose stacks take `ms` each to change, recording starts, ends and the most in flight at once. */
function timed(
  ms: Record<string, number>,
  outcome: (s: string) => StackOutcome = () => ({ status: 'CREATE_COMPLETE', failures: [] }),
) {
  const events: string[] = []
  let inFlight = 0
  let peak = 0
  const updater = {
    status: async (s: string) => {
      if (s !== 'boom') return undefined
      await new Promise((r) => setTimeout(r, 5))
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    },
    createChangeSet: async (s: { stack: string }) => ({
      id: s.stack,
      type: 'CREATE' as const,
      changes: [],
      noChanges: false,
    }),
    deleteChangeSet: async () => {},
    execute: async (s: { stack: string }) => {
      events.push(`start ${s.stack}`)
      peak = Math.max(peak, ++inFlight)
    },
    wait: async (s: string) => {
      await new Promise((r) => setTimeout(r, ms[s] ?? 5))
      inFlight--
      events.push(`end ${s}`)
      return outcome(s)
    },
  } as unknown as StackUpdater
  return { updater, events, peak: () => peak }
}
const opts = { commit: 'c', skip: () => undefined, log: () => {} }

test('independent stacks change side by side, a dependent waits for its base, and never more than the bound at once', async () => {
  const specs = [
    spec('base', ['${Env}-base']),
    ...['g1', 'g2', 'g3', 'g4', 'g5'].map((g) => spec(g, [], [{ 'Fn::Sub': '${Env}-base' }])),
    spec('top', [], [], ['g1']),
  ]
  const t = timed({ base: 10, g1: 30, g2: 30, g3: 30, g4: 30, g5: 30, top: 5 })
  const results = await applyStacks(specs, t.updater, { ...opts, concurrency: 3 })
  assert.equal(
    results.map((r) => r.outcome),
    Array(7).fill('created'),
  )
  assert.equal(t.events.slice(0, 5), ['start base', 'end base', 'start g1', 'start g2', 'start g3'])
  assert.is(t.peak(), 3)
  assert.ok(t.events.indexOf('start top') > t.events.indexOf('end g1'), t.events.join(', '))
})

test('a failure in one branch: the stacks in flight finish, nothing new starts, the results name what ran', async () => {
  const specs = [spec('bad'), spec('slow'), spec('later', [], [], ['slow']), spec('other')]
  const t = timed({ bad: 5, slow: 40, other: 5 }, (s) =>
    s === 'bad' ? { status: 'ROLLBACK_COMPLETE', failures: [] } : { status: 'CREATE_COMPLETE', failures: [] },
  )
  const results = await applyStacks(specs, t.updater, { ...opts, concurrency: 2 })
  assert.equal(
    results.map((r) => `${r.stack} ${r.outcome}`),
    ['bad failed', 'slow created'],
  )
  assert.equal(
    t.events,
    ['start bad', 'start slow', 'end bad', 'end slow'],
    'neither other (a free slot) nor later (its base done) started',
  )
})

test('an error no stack can recover from (no endpoint) is thrown once the stacks in flight have finished', async () => {
  const t = timed({ boom: 5, slow: 30 })
  const err = await applyStacks([spec('boom'), spec('slow'), spec('never')], t.updater, {
    ...opts,
    concurrency: 2,
  }).catch((e) => e)
  assert.is(err.code, 'ECONNREFUSED')
  assert.equal(t.events, ['start slow', 'end slow'], 'slow finished before the error surfaced; never did not start')
})

test("plan previews side by side: at most the bound in flight, results in the items' order", async () => {
  let inFlight = 0
  let peak = 0
  const out = await mapBounded([30, 5, 20, 1, 10], 2, async (ms) => {
    peak = Math.max(peak, ++inFlight)
    await new Promise((r) => setTimeout(r, ms))
    inFlight--
    return ms * 2
  })
  assert.equal(out, [60, 10, 40, 2, 20])
  assert.is(peak, 2)
  assert.equal(await mapBounded([], 4, async () => 1), [])
})

test('a call that throws: no new call starts, the ones in flight finish, then the error is thrown', async () => {
  const done: number[] = []
  const err = await mapBounded([1, 30, 2, 3], 2, async (ms) => {
    await new Promise((r) => setTimeout(r, ms))
    if (ms === 1) throw new Error('endpoint gone')
    done.push(ms)
    return ms
  }).catch((e) => e)
  assert.is(err.message, 'endpoint gone')
  assert.equal(done, [30], 'the 30 ms call in flight finished; 2 and 3 never started')
})

test.run()
