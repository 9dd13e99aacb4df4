// apply and plan of the sample staging environment against moto: stacks, bundles with SSE-KMS, deployments, audit log, no-op rerun (I/O: moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { awsServices } from '../../../scripts/lib/aws/services.ts'
import { runApply } from '../../../scripts/lib/apply/run-apply.ts'
import { folderArtifacts } from '../../../scripts/lib/apply/bundle.ts'
import type { Runtime } from '../../../scripts/lib/apply/services.ts'
import { readAudit, readState } from '../../../scripts/lib/apply/state.ts'
import { buildPlan, UNCHANGED_NOTE } from '../../../scripts/lib/plan/build-plan.ts'
import { DescribeStacksCommand, GetTemplateCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation'
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch'
import { formatMarkdown, summaryLine } from '../../../scripts/lib/plan/format.ts'
import type { Model } from '../../../scripts/lib/config/model.ts'
import {
  agentStandIn,
  createDeploymentGroups,
  makeArtifacts,
  motoDeployment,
  motoSkip,
  recordCalls,
  stagingModel,
  useMotoEnv,
} from './support.ts'

let moto: Moto
let model: Model
let artifacts: string
const lines: string[] = []
const rt = (): Runtime => ({
  log: (l) => {
    lines.push(l)
  },
  now: () => new Date(),
  pollMs: 10,
  timeoutMs: 10_000,
  who: 'arn:aws:sts::123456789012:assumed-role/codebuild/test',
  commit: 'abc1234',
})

test.before(async () => {
  moto = await startMoto()
  useMotoEnv(moto)
  model = await stagingModel(moto)
  await createDeploymentGroups(model)
  artifacts = makeArtifacts(model)
})
test.after(async () => {
  await moto?.stop()
})

test('plan before the first apply: every supported stack to create, every app to deploy, appspec and vhost diffs against nothing', async () => {
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip: motoSkip })
  assert.equal(
    plan.stacks.filter((s) => s.action === 'error').map((s) => `${s.stack}: ${s.note}`),
    [],
  )
  assert.is(plan.stacks.filter((s) => s.action === 'create').length, 15)
  assert.equal(
    plan.apps.map((a) => [a.app, a.deployed, a.changed]),
    [
      ['backup', undefined, true],
      ['admin-portal', undefined, true],
      ['doctor-api', undefined, true],
      ['patient-api', undefined, true],
    ],
  )
  assert.ok(plan.diffs.some((d) => d.path === 'apps/patient-api/nginx/patient-api.conf'))
  assert.ok(
    plan.diffs.some((d) => d.path === 'backup/systemd/drsignet-backup-staging.timer'),
    'the backup timer is reviewed like a vhost',
  )
  const md = formatMarkdown(plan)
  assert.is(
    md.split('\n').slice(0, 3).join('\n'),
    '## Plan for `staging`\n\n**stacks 15 to create, 0 to update, 0 unchanged, 23 skipped; 0 replacement(s); apps to deploy: backup, admin-portal, doctor-api, patient-api; expected apply: about 18 min**',
  )
  // The picture of the environment rides along, folded, after the stacks and before the file diffs.
  const picture = md.indexOf('```mermaid\n---\ntitle: "staging: account ')
  assert.ok(picture > md.indexOf('### Stacks') && picture < md.indexOf('### File changes'), md.slice(0, 3000))
  // Previews leave nothing behind: no stack exists after planning.
  assert.is(await svc.stacks.status('drsignet-staging-data'), undefined)
  const small = formatMarkdown(plan, 4000)
  assert.ok(Buffer.byteLength(small) <= 4000 && small.includes('_Plan truncated at 4000 bytes'), small)
})

test('the first apply creates the stacks moto supports, uploads bundles with SSE-KMS, deploys each app and the backup tool, and writes the audit log', async () => {
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  // Each deployment is in progress for two polls, so the order of starts and ends shows which ran side by side.
  const events: string[] = []
  const polls = new Map<string, number>()
  const stand = agentStandIn(svc.deployer, moto.endpoint, (id) => {
    polls.set(id, (polls.get(id) ?? 0) + 1)
    return polls.get(id)! < 3
      ? { id, status: 'InProgress', overview: { Pending: 1, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 } }
      : undefined
  })
  const groupOf = new Map<string, string>()
  const deployer = {
    ...stand,
    async create(req: Parameters<typeof stand.create>[0]) {
      const id = await stand.create(req)
      groupOf.set(id, req.group)
      events.push(`start ${req.group}`)
      return id
    },
    async get(id: string) {
      const s = await stand.get(id)
      if (s.status === 'Succeeded') events.push(`end ${groupOf.get(id)}`)
      return s
    },
  }
  const r = await runApply(model, { ...svc, deployer }, rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: motoSkip,
  })
  assert.is(r.code, 0, `${r.summary}\n${lines.join('\n')}`)
  const created = r.stacks.filter((s) => s.outcome === 'created').map((s) => s.stack)
  assert.equal(created, [
    'drsignet-staging-data',
    'drsignet-staging-network',
    'drsignet-staging-security',
    'drsignet-staging-database',
    'drsignet-staging-target-admin-portal',
    'drsignet-staging-target-doctor-api',
    'drsignet-staging-target-patient-api',
    'drsignet-staging-group-api',
    'drsignet-staging-group-database',
    'drsignet-staging-group-portal',
    'drsignet-staging-load-balancer',
    'drsignet-staging-deploy',
    'drsignet-staging-topic-deployments',
    'drsignet-staging-topic-operations',
    'drsignet-staging-monitoring',
  ])
  assert.is(r.stacks.filter((s) => s.outcome === 'skipped').length, r.stacks.length - created.length)
  assert.ok(
    lines.includes(
      "stack drsignet-staging-app-patient-api: skipped (moto's CloudFormation cannot create AWS::CodeDeploy::DeploymentGroup)",
    ),
  )
  assert.equal(r.deployed, ['backup', 'admin-portal', 'doctor-api', 'patient-api'])
  assert.is(deployer.created.length, 4)
  // The backup tool alone first; then the portal group beside the api group, whose two apps go one after another.
  const at = (e: string) => events.indexOf(e)
  assert.equal(events.slice(0, 2), ['start backup', 'end backup'], events.join(', '))
  assert.ok(
    at('start admin-portal') < at('end doctor-api') && at('start doctor-api') < at('end admin-portal'),
    `the portal and api groups overlap: ${events.join(', ')}`,
  )
  assert.ok(
    at('end doctor-api') < at('start patient-api'),
    `one deployment at a time on the api group: ${events.join(', ')}`,
  )

  const { s3 } = svc.clients
  for (const id of deployer.created) {
    const d = await motoDeployment(moto.endpoint, id)
    assert.equal(
      [d.applicationName, d.deploymentConfigName, d.fileExistsBehavior, d.autoRollbackConfiguration],
      [
        'drsignet-staging',
        'CodeDeployDefault.OneAtATime',
        'OVERWRITE',
        { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      ],
    )
    const loc = d.revision!.s3Location!
    assert.equal([loc.bucket, loc.bundleType], ['drsignet-staging-artifacts', 'tgz'])
    assert.match(loc.key!, new RegExp(`^bundles/staging/${d.deploymentGroupName}/[0-9a-f]{64}\\.tar\\.gz$`))
    const head = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }))
    assert.equal([head.ServerSideEncryption, head.SSEKMSKeyId?.endsWith('alias/drsignet-staging')], ['aws:kms', true])
  }
  // The audit log is in order of completion; the two groups' lanes finish in either order.
  const audit = await readAudit(svc.store, 'staging')
  assert.equal(
    audit.map((a) => [a.app, a.action, a.result, a.commit, a.who]).sort(),
    ['admin-portal', 'backup', 'doctor-api', 'patient-api'].map((app) => [
      app,
      'deploy',
      'Succeeded',
      'abc1234',
      rt().who,
    ]),
  )
  assert.is(audit[0]!.app, 'backup')
  const state = await readState(svc.store, 'staging')
  assert.equal(Object.keys(state.apps), ['admin-portal', 'backup', 'doctor-api', 'patient-api'])
  assert.match(state.apps.backup!.revision, /^ops\+[0-9a-f]{12}$/)
  assert.ok(state.files['backup/systemd/drsignet-backup-staging.service']?.includes('ExecStart='))
  assert.ok(state.files['apps/patient-api/appspec.yml']?.includes('hooks:'))
  // The DORA keys went to CloudWatch for the dashboard: one scope per app and 'all'.
  const published = await svc.clients.cloudwatch.send(
    new ListMetricsCommand({ Namespace: 'DrSignet/Delivery', MetricName: 'DeploymentsPerDay' }),
  )
  assert.equal((published.Metrics ?? []).map((m) => m.Dimensions!.find((d) => d.Name === 'App')!.Value).sort(), [
    'admin-portal',
    'all',
    'backup',
    'doctor-api',
    'patient-api',
  ])
  const lock = await s3.send(new ListObjectsV2Command({ Bucket: 'drsignet-staging-artifacts', Prefix: 'locks/' }))
  assert.is(lock.KeyCount ?? 0, 0, 'the lock is released')
  console.log(lines.join('\n'))
})

test('a second apply with nothing changed does nothing and says so', async () => {
  lines.length = 0
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const calls = recordCalls(svc.clients.cfn)
  const deployer = agentStandIn(svc.deployer, moto.endpoint)
  const r = await runApply(model, { ...svc, deployer }, rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: motoSkip,
  })
  assert.is(r.code, 0, `${r.summary}\n${lines.join('\n')}`)
  assert.is(deployer.created.length, 0)
  assert.is(
    r.summary,
    'apply staging: nothing to do: every stack is up to date and every app runs its desired revision (stacks: 0 created, 0 updated, 15 unchanged, 23 skipped)',
  )
  // The first apply tagged every stack with its fingerprint: one DescribeStacks replaces eleven change sets.
  assert.equal(calls, ['DescribeStacks'])
  assert.ok(
    lines.includes('stack drsignet-staging-data: unchanged (its fingerprint matches the last apply; no change set)'),
    lines.join('\n'),
  )
})

test('apply --full trusts no fingerprint: a change set for every stack, each with no changes', async () => {
  lines.length = 0
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const calls = recordCalls(svc.clients.cfn)
  const r = await runApply(model, { ...svc, deployer: agentStandIn(svc.deployer, moto.endpoint) }, rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: motoSkip,
    full: true,
  })
  assert.is(r.code, 0, `${r.summary}\n${lines.join('\n')}`)
  assert.is(calls.filter((c) => c === 'CreateChangeSet').length, 15)
  assert.ok(lines.includes('stack drsignet-staging-data: change set (--full)'), lines.join('\n'))
  assert.is(r.stacks.filter((s) => s.outcome === 'unchanged').length, 15)
})

test('plan after the applies: nothing to change', async () => {
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const calls = recordCalls(svc.clients.cfn)
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip: motoSkip })
  assert.is(
    summaryLine(plan),
    'plan staging: stacks 0 to create, 0 to update, 15 unchanged (15 by fingerprint, without a change set), 23 skipped; 0 replacement(s); apps to deploy: none; expected apply: under a minute',
  )
  assert.equal(plan.diffs, [])
  assert.equal(calls, ['DescribeStacks'])
})

test('plan after a retention change: the data stack updates, and says BackupRetentionDays 7 → 10', async () => {
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const calls = recordCalls(svc.clients.cfn)
  const changed = { ...model, env: { ...model.env, backup: { ...model.env.backup, retentionDays: 10 } } }
  const plan = await buildPlan(changed, svc, { commit: 'abc1234', skip: motoSkip })
  // Only the stack whose parameter changed gets a change set; the other fourteen are proven unchanged.
  assert.is(calls.filter((c) => c === 'CreateChangeSet').length, 1)
  assert.is(plan.stacks.filter((st) => st.action === 'none').length, 14)
  const data = plan.stacks.find((st) => st.stack === 'drsignet-staging-data')!
  assert.is(data.action, 'update', JSON.stringify(data))
  assert.equal(data.parameters, [{ key: 'BackupRetentionDays', from: '7', to: '10' }])
  assert.ok(
    formatMarkdown(plan).includes('| `drsignet-staging-data` | update | `BackupRetentionDays`: `7` → `10`'),
    formatMarkdown(plan).slice(0, 2000),
  )
})

test('a failed deployment on one group: the other group finishes what it started and starts nothing new', async () => {
  lines.length = 0
  const to = { 'admin-portal': '2.0.0', 'doctor-api': '2.0.0', 'patient-api': '2.0.0' } as Record<string, string>
  const next: Model = { env: model.env, apps: model.apps.map((a) => ({ ...a, version: to[a.name] ?? a.version })) }
  const svc = awsServices(next, { pollMs: 10, emulator: true })
  const started: string[] = []
  const polls = new Map<string, number>()
  const groupOf = new Map<string, string>()
  const stand = agentStandIn(svc.deployer, moto.endpoint, (id) => {
    polls.set(id, (polls.get(id) ?? 0) + 1)
    if (groupOf.get(id) === 'admin-portal')
      return {
        id,
        status: 'Failed',
        overview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 2, Skipped: 0 },
        error: { code: 'HEALTH_CONSTRAINTS', message: 'too many individual instances failed' },
      }
    return polls.get(id)! < 4
      ? { id, status: 'InProgress', overview: { Pending: 1, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 } }
      : undefined
  })
  const deployer = {
    ...stand,
    async create(req: Parameters<typeof stand.create>[0]) {
      const id = await stand.create(req)
      groupOf.set(id, req.group)
      started.push(req.group)
      return id
    },
  }
  const r = await runApply(next, { ...svc, deployer }, rt(), {
    artifacts: folderArtifacts(makeArtifacts(next)),
    skipStack: motoSkip,
  })
  assert.is(r.code, 1)
  assert.match(
    r.summary,
    /^apply staging: admin-portal deployment \S+ Failed; CodeDeploy rolls it back; no deployment started after it$/,
  )
  assert.equal(started.sort(), ['admin-portal', 'doctor-api'], 'patient-api waits behind doctor-api and never starts')
  assert.equal(r.deployed, ['doctor-api'], 'the deployment already running on the api group finished')
  const state = await readState(svc.store, 'staging')
  assert.equal(
    [state.apps['doctor-api']!.version, state.apps['patient-api']!.version, state.apps['admin-portal']!.version],
    [
      '2.0.0',
      model.apps.find((a) => a.name === 'patient-api')!.version,
      model.apps.find((a) => a.name === 'admin-portal')!.version,
    ],
  )
})

test('a stack updated outside apply (its tags kept) gets its change set again: the tag alone is not trusted', async () => {
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const stack = 'drsignet-staging-topic-operations'
  const now = (await svc.clients.cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!
  // What someone does from the console: the same template, one parameter changed, every tag kept.
  const body = (await svc.clients.cfn.send(new GetTemplateCommand({ StackName: stack }))).TemplateBody
  await svc.clients.cfn.send(
    new UpdateStackCommand({
      StackName: stack,
      TemplateBody: body,
      Tags: now.Tags,
      Parameters: now.Parameters!.map((p) => ({
        ParameterKey: p.ParameterKey,
        ParameterValue: p.ParameterKey === 'Email1' ? 'someone-else@example.com' : p.ParameterValue,
      })),
    }),
  )
  const logged: string[] = []
  const plan = await buildPlan(model, svc, { commit: 'abc1234', skip: motoSkip, log: (l) => logged.push(l) })
  // moto keeps LastUpdatedTime unset through UpdateStack (AWS moves it, which triage also checks); the parameter shows.
  assert.ok(
    logged.includes(`plan: change set for ${stack} (parameter Email1 differs from the deployed stack's)`),
    logged.join('\n'),
  )
  assert.is(plan.stacks.filter((st) => st.note === UNCHANGED_NOTE).length, 14)
})

test.run()
