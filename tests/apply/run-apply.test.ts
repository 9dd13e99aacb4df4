// apply's own contract, step by step: the data stack before the lock on a first apply, what it refuses after a stack
// fails, a lane that throws, a failed deployment and its rerun, what it reports (moto on loopback: S3, CloudFormation for
// the data and topic stacks, CodeDeploy, CloudWatch; the agents' verdicts and a stack's failed status are scripted).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { rmSync } from 'node:fs'
import { startMoto, type Moto } from '../harness/moto.ts'
import { agentStandIn, createDeploymentGroups, makeArtifacts, root, useMotoEnv } from '../integration/apply/support.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { awsServices } from '../../scripts/lib/aws/services.ts'
import type { DeploymentState } from '../../scripts/lib/aws/deployer.ts'
import { folderArtifacts } from '../../scripts/lib/apply/bundle.ts'
import type { DesiredRelease } from '../../scripts/lib/apply/desired.ts'
import { deploymentLanes, runApply, type ApplyOptions } from '../../scripts/lib/apply/run-apply.ts'
import type { Runtime, Services } from '../../scripts/lib/apply/services.ts'
import type { PlannedStack } from '../../scripts/lib/apply/stacks.ts'
import { stackSpecs } from '../../scripts/lib/apply/stacks.ts'
import { readState, writeState } from '../../scripts/lib/apply/state.ts'

const WHO = 'arn:aws:sts::444455556666:assumed-role/codebuild/test'
const model = readModel(root, 'staging')
const bumped = (version: string): Model => ({ env: model.env, apps: model.apps.map((a) => ({ ...a, version })) })
const SKIPPED = stackSpecs(model).length - 1
const onlyData = (s: PlannedStack) => (s.template === 'data.yaml' ? undefined : 'not needed here')
const dataAndTopics = (s: PlannedStack) => (['data.yaml', 'topic.yaml'].includes(s.template) ? undefined : 'not needed')

let moto: Moto
const temps: string[] = []
let lines: string[] = []
/** The steps runApply takes, as its interfaces see them, in order. */
let events: string[] = []

test.before(async () => {
  moto = await startMoto({ account: model.env.account })
  useMotoEnv(moto)
  await createDeploymentGroups(model)
})
test.after(async () => {
  await moto?.stop()
  for (const t of temps) rmSync(t, { recursive: true, force: true })
})

const artifacts = (versions: Record<string, string>) => {
  const dir = makeArtifacts(model, versions)
  temps.push(dir)
  return folderArtifacts(dir)
}
const rt = (): Runtime => ({
  log: (l) => void lines.push(l),
  now: () => new Date(),
  pollMs: 5,
  timeoutMs: 10_000,
  who: WHO,
  commit: 'feed123',
})
const succeeded = (id: string): DeploymentState => ({
  id,
  status: 'Succeeded',
  overview: { Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, Skipped: 0 },
})

/**
 * The moto-backed services, each call recorded in `events`. `verdict` plays the agents moto lacks (Succeeded unless it
 * says otherwise, given the group and the how-many-th poll); `failStatus` scripts a stack's status (a fault moto cannot
 * be brought to); `over` replaces a service outright.
 */
function services(
  m: Model,
  opts: {
    verdict?: (group: string, id: string, poll: number) => DeploymentState | undefined
    failStatus?: Record<string, string>
    over?: Partial<Services>
  } = {},
): Services & { puts: string[] } {
  const real = awsServices(m, { pollMs: 5, emulator: true })
  const puts: string[] = []
  const groupOf = new Map<string, string>()
  const polls = new Map<string, number>()
  const stand = agentStandIn(real.deployer, moto.endpoint, (id) => {
    polls.set(id, (polls.get(id) ?? 0) + 1)
    return opts.verdict?.(groupOf.get(id)!, id, polls.get(id)!)
  })
  return {
    ...real,
    puts,
    store: {
      ...real.store,
      put: (key, body, type) => (puts.push(key), real.store.put(key, body, type)),
    },
    lock: {
      where: real.lock.where,
      read: () => real.lock.read(),
      async tryAcquire(record) {
        try {
          const r = await real.lock.tryAcquire(record)
          events.push(r.acquired ? 'lock taken' : 'lock refused')
          return r
        } catch (e) {
          events.push(`lock: ${(e as Error).constructor.name}`)
          throw e
        }
      },
      async clear() {
        await real.lock.clear()
        events.push('lock cleared')
      },
    },
    stacks: {
      ...real.stacks,
      status: async (stack) => opts.failStatus?.[stack] ?? real.stacks.status(stack),
      async createChangeSet(spec, name) {
        events.push(`change set ${spec.stack}`)
        return real.stacks.createChangeSet(spec, name)
      },
      async execute(spec, cs) {
        events.push(`execute ${spec.stack}`)
        return real.stacks.execute(spec, cs)
      },
    },
    deployer: {
      ...stand,
      async create(req) {
        const id = await stand.create(req)
        groupOf.set(id, req.group)
        events.push(`deploy ${req.group}`)
        return id
      },
      async get(id) {
        const s = await stand.get(id)
        if (s.status !== 'InProgress') events.push(`end ${groupOf.get(id)} ${s.status}`)
        return s
      },
    },
    delivery: {
      publish: async (...a) => (events.push('delivery'), real.delivery.publish(...a)),
    },
    ...opts.over,
  }
}
const apply = (m: Model, svc: Services, opts: Omit<ApplyOptions, 'onLocked'>) => {
  lines = []
  events = []
  return runApply(m, svc, rt(), {
    ...opts,
    onLocked: (held) => events.push(`locked by ${held.record.holder} at ${held.record.commit}`),
  })
}
const LOCKED = `locked by ${WHO} at feed123`
/** The staging store, for reading and writing the state outside a run. */
const stagingStore = () => awsServices(model, { emulator: true }).store

test('deployment lanes: one per instance group, in order of first appearance, each keeping the planned order', () => {
  const release = (name: string, group?: string) =>
    ({ name, app: group ? { instanceGroup: group } : undefined }) as DesiredRelease
  const lanes = deploymentLanes([
    release('backup'),
    release('doctor-api', 'api'),
    release('admin-portal', 'portal'),
    release('patient-api', 'api'),
    release('reports', 'portal'),
  ])
  assert.equal(
    lanes.map((l) => l.map((d) => d.name)),
    [['backup'], ['doctor-api', 'patient-api'], ['admin-portal', 'reports']],
  )
  assert.equal(deploymentLanes([]), [])
})

test('a first apply, with no artifacts bucket for the lock yet: the data stack first, then the lock, the backup tool alone, the apps, the metrics, the release', async () => {
  const svc = services(model)
  const r = await apply(model, svc, { artifacts: artifacts({}), skipStack: onlyData })
  assert.is(r.code, 0, `${r.summary}\n${lines.join('\n')}`)
  assert.is(
    r.summary,
    `apply staging: done: stacks: 1 created, 0 updated, 0 unchanged, ${SKIPPED} skipped; apps deployed: backup, admin-portal, doctor-api, patient-api`,
  )
  assert.equal(r.deployed, ['backup', 'admin-portal', 'doctor-api', 'patient-api'])
  // The two groups' lanes interleave as they will; their steps are checked apart from the rest.
  const app = /^(deploy|end) (admin-portal|doctor-api|patient-api)/
  assert.equal(
    events.filter((e) => !app.test(e)),
    [
      'lock: MissingBucketError',
      'change set drsignet-staging-data',
      'execute drsignet-staging-data',
      'lock taken',
      LOCKED,
      'deploy backup',
      'end backup Succeeded',
      'delivery',
      'lock cleared',
    ],
  )
  const at = (e: string) => events.indexOf(e)
  assert.ok(
    at('end backup Succeeded') < at('deploy admin-portal') &&
      at('end backup Succeeded') < at('deploy doctor-api') &&
      at('end doctor-api Succeeded') < at('deploy patient-api') &&
      at('end patient-api Succeeded') < at('delivery'),
    events.join(', '),
  )
  assert.is(
    lines[0],
    'lock: bucket drsignet-staging-artifacts does not exist; first apply of staging: creating the data stack before taking the lock',
  )
  const state = await readState(svc.store, 'staging')
  assert.equal(Object.keys(state.stacks ?? {}), ['drsignet-staging-data'])
  assert.equal(Object.keys(state.apps), ['admin-portal', 'backup', 'doctor-api', 'patient-api'])
})

test('nothing changed: the lock is taken and released around a triage that finds nothing, and no metrics are sent', async () => {
  const r = await apply(model, services(model), { artifacts: artifacts({}), skipStack: onlyData })
  assert.equal(r, {
    code: 0,
    stacks: r.stacks,
    deployed: [],
    summary: `apply staging: nothing to do: every stack is up to date and every app runs its desired revision (stacks: 0 created, 0 updated, 1 unchanged, ${SKIPPED} skipped)`,
  })
  assert.equal(events, ['lock taken', LOCKED, 'lock cleared'])
})

test('a stack that fails after the lock: code 1 with its report, no deployment, the lock released, and the stacks that did complete recorded', async () => {
  const before = await readState(stagingStore(), 'staging')
  await writeState(stagingStore(), { ...before, stacks: undefined })
  const svc = services(bumped('9.0.0'), {
    failStatus: { 'drsignet-staging-topic-operations': 'UPDATE_ROLLBACK_FAILED' },
  })
  const r = await apply(bumped('9.0.0'), svc, { artifacts: artifacts({}), skipStack: dataAndTopics, full: true })
  assert.equal([r.code, r.deployed], [1, []])
  assert.is(
    r.summary,
    [
      'stack drsignet-staging-topic-operations failed (UPDATE_ROLLBACK_FAILED): the stack is UPDATE_ROLLBACK_FAILED',
      '  to recover: aws cloudformation continue-update-rollback --stack-name drsignet-staging-topic-operations  # add --resources-to-skip for resources that cannot roll back',
    ].join('\n'),
  )
  // Both topic stacks start together once the data stack is done; the one not failing is still created.
  assert.equal(events.slice(0, 3), ['lock taken', LOCKED, 'change set drsignet-staging-data'])
  assert.equal(events.slice(3, -1).sort(), [
    'change set drsignet-staging-topic-deployments',
    'execute drsignet-staging-topic-deployments',
  ])
  assert.is(events.at(-1), 'lock cleared')
  const state = await readState(svc.store, 'staging')
  assert.equal(Object.keys(state.stacks ?? {}), ['drsignet-staging-data', 'drsignet-staging-topic-deployments'])
  assert.equal(state.apps, before.apps, 'no app was deployed')
  assert.ok(!lines.some((l) => l.includes('building the bundle')), lines.join('\n'))
})

test('a first apply whose data stack cannot be made: code 1 with its report, the lock never taken', async () => {
  const qa: Model = {
    ...model,
    env: { ...model.env, name: 'qa', buckets: { ...model.env.buckets, artifacts: 'qa-none' } },
  }
  const svc = services(qa, { failStatus: { 'drsignet-qa-data': 'ROLLBACK_COMPLETE' } })
  const r = await apply(qa, svc, { artifacts: artifacts({}) })
  const recovery = 'aws cloudformation delete-stack --stack-name drsignet-qa-data  # then run apply again'
  assert.equal(r, {
    code: 1,
    stacks: [
      {
        stack: 'drsignet-qa-data',
        outcome: 'failed',
        status: 'ROLLBACK_COMPLETE',
        failures: [],
        recovery,
        reason: 'the stack is ROLLBACK_COMPLETE',
      },
    ],
    deployed: [],
    summary: `stack drsignet-qa-data failed (ROLLBACK_COMPLETE): the stack is ROLLBACK_COMPLETE\n  to recover: ${recovery}`,
  })
  assert.equal(events, ['lock: MissingBucketError'])
})

test('a lane that throws: the other lane finishes the deployment it started, nothing else starts, then the error, the lock released', async () => {
  // doctor-api 2.0.0 has no artifact; admin-portal's deployment is still running when doctor-api's lane throws.
  const m = bumped('2.0.0')
  const dir = makeArtifacts(model, { 'admin-portal': '2.0.0', 'patient-api': '2.0.0' })
  temps.push(dir)
  const svc = services(m, {
    verdict: (group, id, poll) =>
      group === 'admin-portal' && poll < 3
        ? { id, status: 'InProgress', overview: { Pending: 1, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 } }
        : succeeded(id),
  })
  const error = await apply(m, svc, { artifacts: folderArtifacts(dir), skipStack: onlyData }).then(
    () => 'resolved',
    (e: Error) => e.message,
  )
  assert.is(error, `no artifact for doctor-api 2.0.0: ${dir}/doctor-api/2.0.0 does not exist`)
  assert.equal(events, ['lock taken', LOCKED, 'deploy admin-portal', 'end admin-portal Succeeded', 'lock cleared'])
  const apps = (await readState(svc.store, 'staging')).apps
  assert.equal(
    [apps['admin-portal']!.version, apps['doctor-api']!.version, apps['patient-api']!.version],
    ['2.0.0', model.apps[1]!.version, model.apps[2]!.version],
  )
})

test('a failed deployment stops its lane and is reported; the rerun deploys the rest, uploads no bundle twice, and shrugs off unsent metrics', async () => {
  const m = bumped('2.0.0')
  const source = artifacts({ 'admin-portal': '2.0.0', 'doctor-api': '2.0.0', 'patient-api': '2.0.0' })
  const failing = services(m, {
    verdict: (group, id) =>
      group === 'doctor-api'
        ? { id, status: 'Failed', overview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 2, Skipped: 0 } }
        : succeeded(id),
  })
  const first = await apply(m, failing, { artifacts: source, skipStack: onlyData })
  const failedId = lines.find((l) => l.startsWith('doctor-api: deployment ') && l.includes(' created '))!.split(' ')[2]
  assert.equal(first, {
    code: 1,
    stacks: first.stacks,
    deployed: [],
    summary: `apply staging: doctor-api deployment ${failedId} Failed; CodeDeploy rolls it back; no deployment started after it`,
  })
  assert.equal(events, ['lock taken', LOCKED, 'deploy doctor-api', 'end doctor-api Failed', 'delivery', 'lock cleared'])
  const doctorBundle = failing.puts.filter((k) => k.startsWith('bundles/staging/doctor-api/'))
  assert.is(doctorBundle.length, 1)

  const svc = services(m, {
    over: {
      delivery: {
        publish: async () => {
          throw new Error('CloudWatch is unreachable')
        },
      },
    },
  })
  const again = await apply(m, svc, { artifacts: source, skipStack: onlyData })
  assert.equal(again, {
    code: 0,
    stacks: again.stacks,
    deployed: ['doctor-api', 'patient-api'],
    summary: `apply staging: done: stacks: 0 created, 0 updated, 1 unchanged, ${SKIPPED} skipped; apps deployed: doctor-api, patient-api`,
  })
  // doctor-api's bundle is the one uploaded by the failed run: only patient-api's is new.
  assert.equal(
    svc.puts.filter((k) => k.startsWith('bundles/')),
    svc.puts.filter((k) => k.startsWith('bundles/staging/patient-api/')),
  )
  assert.is(svc.puts.filter((k) => k.startsWith('bundles/')).length, 1)
  assert.is((await readState(svc.store, 'staging')).apps['doctor-api']!.bundleKey, doctorBundle[0])
  assert.ok(
    lines.includes('delivery: metrics not published (CloudWatch is unreachable); the deployments are unaffected'),
    lines.join('\n'),
  )
})

test.run()
