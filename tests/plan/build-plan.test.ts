// plan's preview of an environment: each stack's action in stack order (create, skipped, blocked, error), the parameters
// that change, each app's deployed and desired revision, and the file diffs a reviewer sees (moto on loopback: S3 and
// CloudFormation change sets; a stack's failed status and a refused change set are scripted at the StackUpdater).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createBuckets, startMoto, type Moto } from '../harness/moto.ts'
import { root, useMotoEnv } from '../integration/apply/support.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { awsServices } from '../../scripts/lib/aws/services.ts'
import type { StackUpdater } from '../../scripts/lib/aws/stack-updater.ts'
import { desiredReleases } from '../../scripts/lib/apply/bundle.ts'
import { stackSpecs, type PlannedStack } from '../../scripts/lib/apply/stacks.ts'
import { writeState } from '../../scripts/lib/apply/state.ts'
import { buildPlan, isReplacement, parameterChanges } from '../../scripts/lib/plan/build-plan.ts'
import { environmentDiagram, toMermaid } from '../../scripts/lib/render/diagram.ts'

const model = readModel(root, 'staging')
const specs = stackSpecs(model)
const previewed = ['drsignet-staging-data', 'drsignet-staging-topic-deployments', 'drsignet-staging-topic-operations']
const skip = (s: PlannedStack) => (previewed.includes(s.stack) ? undefined : `not previewed by this test`)
let moto: Moto
let svc: ReturnType<typeof awsServices>

test.before(async () => {
  moto = await startMoto({ account: model.env.account })
  useMotoEnv(moto)
  svc = awsServices(model, { pollMs: 5, emulator: true })
  await createBuckets(svc.clients.s3, model.env.region, [model.env.buckets.artifacts])
})
test.after(async () => {
  await moto?.stop()
})

test('the parameters that change, sorted by name: changed, added (no from) and removed (no to)', () => {
  assert.equal(
    parameterChanges({ Retention: '7', Same: 'x', Old: 'gone' }, { Same: 'x', Retention: '10', Added: 'new' }),
    [
      { key: 'Added', from: undefined, to: 'new' },
      { key: 'Old', from: 'gone', to: undefined },
      { key: 'Retention', from: '7', to: '10' },
    ],
  )
  assert.equal(parameterChanges({ A: '1' }, { A: '1' }), [])
})

test('a change replaces its resource when CloudFormation says True or Conditional', () => {
  const change = (replacement?: string) => ({ action: 'Modify', logicalId: 'X', type: 'AWS::S3::Bucket', replacement })
  assert.equal(
    [undefined, 'False', 'True', 'Conditional'].map((r) => isReplacement(change(r))),
    [false, false, true, true],
  )
})

test('before any apply: every stack in stack order, the previewed ones to create with their resources, the rest skipped, nothing left behind', async () => {
  const logged: string[] = []
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip, log: (l) => logged.push(l) })
  assert.is(plan.environment, 'staging')
  assert.equal(
    plan.stacks.map((s) => [s.stack, s.template, s.action, s.note]),
    specs.map((s) =>
      previewed.includes(s.stack)
        ? [s.stack, s.template, 'create', undefined]
        : [s.stack, s.template, 'skipped', 'not previewed by this test'],
    ),
  )
  // A new stack's change set adds every resource of its template.
  const topic = JSON.parse(specs.find((s) => s.stack === 'drsignet-staging-topic-operations')!.templateBody)
  assert.equal(
    plan.stacks
      .find((s) => s.stack === 'drsignet-staging-topic-operations')!
      .changes.map((c) => [c.action, c.logicalId, c.type])
      .sort(),
    Object.entries(topic.Resources as Record<string, { Type: string }>)
      .map(([id, r]) => ['Add', id, r.Type])
      .sort(),
  )
  assert.equal(logged.sort(), previewed.map((s) => `plan: change set for ${s} (new stack)`).sort())
  for (const stack of previewed) assert.is(await svc.stacks.status(stack), undefined, `${stack} left behind`)
  assert.equal(
    plan.apps,
    desiredReleases(model).map((d) => ({
      app: d.name,
      deployed: undefined,
      desired: { version: d.version, revision: d.revision },
      changed: true,
    })),
  )
  assert.is(plan.diagram, toMermaid(environmentDiagram(model)))
})

test("a stack that cannot be updated is blocked with its recovery, a refused change set is that stack's error; the others still plan", async () => {
  const deleted: string[] = []
  const stacks: StackUpdater = {
    ...svc.stacks,
    status: async (stack) =>
      stack === 'drsignet-staging-topic-operations' ? 'UPDATE_ROLLBACK_FAILED' : svc.stacks.status(stack),
    async createChangeSet(spec, name) {
      if (spec.stack === 'drsignet-staging-data') throw new Error('No export named drsignet-vpc found')
      if (spec.stack === 'drsignet-staging-topic-deployments')
        return { id: 'cs-1', type: 'CREATE', changes: [], noChanges: false, failure: 'Template format error' }
      return svc.stacks.createChangeSet(spec, name)
    },
    deleteChangeSet: async (stack, id, type) => void deleted.push(`${stack} ${id} ${type}`),
  }
  const plan = await buildPlan(model, { stacks, store: svc.store }, { commit: 'abc1234', skip })
  assert.equal(
    plan.stacks.filter((s) => previewed.includes(s.stack)).map((s) => [s.stack, s.action, s.note]),
    [
      ['drsignet-staging-data', 'error', 'No export named drsignet-vpc found'],
      ['drsignet-staging-topic-deployments', 'error', 'Template format error'],
      [
        'drsignet-staging-topic-operations',
        'blocked',
        'the stack is UPDATE_ROLLBACK_FAILED; to recover: aws cloudformation continue-update-rollback --stack-name drsignet-staging-topic-operations  # add --resources-to-skip for resources that cannot roll back',
      ],
    ],
  )
  // The failed change set is still deleted: a preview leaves nothing behind.
  assert.equal(deleted, ['drsignet-staging-topic-deployments cs-1 CREATE'])
  assert.is(plan.stacks.filter((s) => s.action === 'skipped').length, specs.length - previewed.length)

  const busy: StackUpdater = {
    ...svc.stacks,
    status: async (stack) => (stack === 'drsignet-staging-data' ? 'UPDATE_IN_PROGRESS' : svc.stacks.status(stack)),
  }
  const waiting = await buildPlan(model, { stacks: busy, store: svc.store }, { commit: 'abc1234', skip })
  assert.equal(
    waiting.stacks.filter((s) => previewed.includes(s.stack)).map((s) => [s.action, s.note]),
    [
      ['blocked', 'the stack is UPDATE_IN_PROGRESS; to recover: wait for the current operation'],
      ['create', undefined],
      ['create', undefined],
    ],
  )
})

test('against the deployed state: which apps change, and diffs of the appspecs, vhosts, deploy/ and systemd/ files that differ', async () => {
  const desired = desiredReleases(model)
  const byName = new Map(desired.map((d) => [d.name, d]))
  const files = Object.fromEntries(desired.flatMap((d) => d.files.map((f) => [f.path, f.contents])))
  const appspec = files['apps/patient-api/appspec.yml']!
  files['apps/patient-api/appspec.yml'] = appspec + 'files: []\n'
  files['apps/admin-portal/deploy/hook.env'] = 'OLD=1\n'
  files['backup/systemd/drsignet-backup-staging.timer'] = '[Timer]\n'
  delete files['apps/doctor-api/nginx/doctor-api.conf']
  const at = (name: string, revision = byName.get(name)!.revision) => ({
    version: revision.split('+')[0]!,
    revision,
    bundleKey: 'k',
    sha256: 's',
    deploymentId: 'd',
    deployedAt: '2026-01-01T00:00:00.000Z',
    commit: 'c',
  })
  await writeState(svc.store, {
    environment: 'staging',
    apps: {
      backup: at('backup'),
      'admin-portal': at('admin-portal', '2.3.0+000000000000'),
      'patient-api': at('patient-api'),
    },
    files,
  })
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip: () => 'no stacks here' })
  assert.equal(
    plan.apps.map((a) => [a.app, a.deployed?.revision, a.changed]),
    [
      ['backup', byName.get('backup')!.revision, false],
      ['admin-portal', '2.3.0+000000000000', true],
      ['doctor-api', undefined, true],
      ['patient-api', byName.get('patient-api')!.revision, false],
    ],
  )
  assert.equal(plan.apps[1]!.deployed, { version: '2.3.0', revision: '2.3.0+000000000000' })
  assert.equal(
    plan.diffs.map((d) => d.path),
    [
      'backup/systemd/drsignet-backup-staging.timer',
      'apps/admin-portal/deploy/hook.env',
      'apps/doctor-api/nginx/doctor-api.conf',
      'apps/patient-api/appspec.yml',
    ],
  )
  const lines = appspec.trimEnd().split('\n')
  const n = lines.length
  assert.is(
    plan.diffs[3]!.patch,
    [
      '===================================================================',
      '--- a/apps/patient-api/appspec.yml\t(last applied)',
      '+++ b/apps/patient-api/appspec.yml\t(desired)',
      `@@ -${n - 2},4 +${n - 2},3 @@`,
      ...lines.slice(-3).map((l) => ` ${l}`),
      '-files: []',
      '',
    ].join('\n'),
  )
  const vhost = byName.get('doctor-api')!.files.find((f) => f.path === 'apps/doctor-api/nginx/doctor-api.conf')!
  assert.equal(plan.diffs[2]!.patch.split('\n').slice(0, 5), [
    '===================================================================',
    '--- a/apps/doctor-api/nginx/doctor-api.conf\t(never applied)',
    '+++ b/apps/doctor-api/nginx/doctor-api.conf\t(desired)',
    `@@ -0,0 +1,${vhost.contents.trimEnd().split('\n').length} @@`,
    `+${vhost.contents.split('\n')[0]}`,
  ])
  assert.equal(
    plan.stacks.map((s) => s.action),
    specs.map(() => 'skipped'),
  )
})

test('a change to the shared nginx snippets shows once, in the first app whose copy changed', async () => {
  const desired = desiredReleases(model)
  const files = Object.fromEntries(desired.flatMap((d) => d.files.map((f) => [f.path, f.contents])))
  const snippets = Object.keys(files).filter((p) => p.endsWith('/nginx/drsignet/proxy.conf'))
  assert.equal(snippets, [
    'apps/admin-portal/nginx/drsignet/proxy.conf',
    'apps/doctor-api/nginx/drsignet/proxy.conf',
    'apps/patient-api/nginx/drsignet/proxy.conf',
  ])
  for (const p of snippets) files[p] = 'proxy_read_timeout 1s;\n'
  const gzip = Object.keys(files).filter((p) => p.endsWith('/nginx/drsignet/gzip.conf'))
  files[gzip[1]!] = 'gzip off;\n' // only doctor-api's copy differs
  const revisions = (name: string) => desired.find((d) => d.name === name)!.revision
  await writeState(svc.store, {
    environment: 'staging',
    apps: Object.fromEntries(
      desired.map((d) => [
        d.name,
        {
          version: d.version,
          revision: revisions(d.name),
          bundleKey: 'k',
          sha256: 's',
          deploymentId: 'd',
          deployedAt: '2026-01-01T00:00:00.000Z',
          commit: 'c',
        },
      ]),
    ),
    files,
  })
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip: () => 'no stacks here' })
  assert.equal(
    plan.diffs.map((d) => d.path),
    ['apps/admin-portal/nginx/drsignet/proxy.conf', 'apps/doctor-api/nginx/drsignet/gzip.conf'],
  )
  assert.is(plan.diffs[0]!.patch.split('\n')[4], '-proxy_read_timeout 1s;')
})

test.run()
