// One release through CodeDeploy: the deployment it asks for, the audit record, the deployed state on success, the SNS
// alert on failure (moto on loopback: S3, SNS, CodeDeploy; the agents' verdict is scripted, as moto has none).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns'
import { startMoto, type Moto } from '../harness/moto.ts'
import { createDeploymentGroups, motoDeployment, useMotoEnv } from '../integration/apply/support.ts'
import { fixtureModel } from '../fixtures/model.ts'
import { awsServices } from '../../scripts/lib/aws/services.ts'
import type { Deployer, DeploymentState, InstanceState } from '../../scripts/lib/aws/deployer.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { deployRelease, type Release } from '../../scripts/lib/apply/deploy-release.ts'
import type { Runtime, Services } from '../../scripts/lib/apply/services.ts'
import { readAudit, readState, writeState } from '../../scripts/lib/apply/state.ts'
import { createBuckets } from '../harness/moto.ts'

const WHO = 'arn:aws:sts::111122223333:assumed-role/codebuild/test'
const base = fixtureModel()
// DEPLOYMENT_FAILURE named twice and out of order: the request carries each event once, sorted.
const model: Model = fixtureModel(base.apps, {
  deployment: {
    ...base.env.deployment,
    autoRollbackEvents: ['DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_FAILURE'],
    notify: ['deployments', 'operations'],
  },
})
const bucket = model.env.buckets.artifacts
let moto: Moto
let svc: ReturnType<typeof awsServices>
let server: Server
const alerts: { Subject: string; Message: string; TopicArn: string }[] = []

test.before(async () => {
  moto = await startMoto({ account: model.env.account })
  useMotoEnv(moto)
  svc = awsServices(model, { pollMs: 5, emulator: true })
  await createBuckets(svc.clients.s3, model.env.region, [bucket])
  await createDeploymentGroups(model)
  // Only the deployments topic exists; an HTTP endpoint on loopback receives what SNS delivers to it.
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const n = JSON.parse(body)
      if (n.Type === 'Notification') alerts.push({ Subject: n.Subject, Message: n.Message, TopicArn: n.TopicArn })
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  const topic = await svc.clients.sns.send(new CreateTopicCommand({ Name: 'drsignet-production-deployments' }))
  await svc.clients.sns.send(
    new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/` }),
  )
})
test.after(async () => {
  await new Promise((r) => server?.close(r))
  await moto?.stop()
})

/** A clock that moves a minute each time it is read. */
const clock = (start: string) => {
  let t = Date.parse(start)
  return () => new Date((t += 60_000) - 60_000)
}
const runtime = (lines: string[], start: string): Runtime => ({
  log: (l) => void lines.push(l),
  now: clock(start),
  pollMs: 5,
  timeoutMs: 10_000,
  who: WHO,
  commit: 'abc1234',
  committedAt: '2026-04-01T09:00:00.000Z',
})

/**
 * moto's CodeDeploy records the deployment; the agents it lacks are played here: after one poll in progress, the
 * scripted end state and, when given, per-instance events.
 */
function agents(end: Omit<DeploymentState, 'id'>, instances?: InstanceState[]): Deployer & { created: string[] } {
  const created: string[] = []
  let polls = 0
  return {
    created,
    register: (...a) => svc.deployer.register(...a),
    async create(r) {
      const id = await svc.deployer.create(r)
      created.push(id)
      return id
    },
    async get(id) {
      const stored = await motoDeployment(moto.endpoint, id)
      if (stored.status !== 'Created') throw new Error(`moto deployment ${id} is ${stored.status}`)
      return ++polls < 2
        ? { id, status: 'InProgress', overview: { Pending: 1, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 } }
        : { id, ...end }
    },
    instances: async () => instances,
  }
}
const services = (deployer: Deployer): Services => ({ ...svc, deployer })

async function release(version: string, files: Record<string, string>): Promise<Release> {
  const key = `bundles/production/patient-api/${version}.tar.gz`
  const put = await svc.store.put(key, Buffer.from(`bundle ${version}`), 'application/gzip')
  return {
    app: 'patient-api',
    version,
    revision: `${version}+0123456789ab`,
    sha256: `sha-${version}`,
    bundle: { bucket, key, eTag: put.eTag, versionId: put.versionId },
    files,
  }
}
const succeeded = { status: 'Succeeded', overview: { Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, Skipped: 0 } }

test('a deployment that succeeds: the request CodeDeploy stores, the audit record, and the app and its files in the state', async () => {
  await writeState(svc.store, {
    environment: 'production',
    apps: {},
    files: {
      'apps/patient-api/appspec.yml': 'old appspec\n',
      'apps/patient-api/deploy/gone.sh': 'no longer rendered\n',
      'apps/patient-api-v2/appspec.yml': 'another app whose name starts the same\n',
      'backup/systemd/drsignet-backup-production.timer': 'the backup tool\n',
    },
  })
  const r1 = await release('1.15.0', {
    'apps/patient-api/appspec.yml': 'new appspec\n',
    'apps/patient-api/nginx/patient-api.conf': 'server {}\n',
  })
  const deployer = agents(succeeded)
  const lines: string[] = []
  const r = await deployRelease(model, r1, 'deploy', services(deployer), runtime(lines, '2026-04-01T10:00:00.000Z'))
  const id = deployer.created[0]!
  assert.equal([r.ok, r.deploymentId, r.followed.state.status], [true, id, 'Succeeded'])

  const stored = await motoDeployment(moto.endpoint, id)
  assert.equal(
    {
      application: stored.applicationName,
      group: stored.deploymentGroupName,
      config: stored.deploymentConfigName,
      description: stored.description,
      rollback: stored.autoRollbackConfiguration,
      location: stored.revision.s3Location,
    },
    {
      application: 'drsignet-production',
      group: 'patient-api',
      config: 'CodeDeployDefault.OneAtATime',
      description: 'deploy patient-api 1.15.0 (1.15.0+0123456789ab) commit abc1234',
      rollback: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      location: {
        bucket,
        key: 'bundles/production/patient-api/1.15.0.tar.gz',
        bundleType: 'tgz',
        eTag: r1.bundle.eTag,
      },
    },
  )
  assert.equal(await readAudit(svc.store, 'production'), [
    {
      environment: 'production',
      app: 'patient-api',
      action: 'deploy',
      who: WHO,
      commit: 'abc1234',
      committedAt: '2026-04-01T09:00:00.000Z',
      version: '1.15.0',
      revision: '1.15.0+0123456789ab',
      bundleKey: 'bundles/production/patient-api/1.15.0.tar.gz',
      sha256: 'sha-1.15.0',
      deploymentId: id,
      startedAt: '2026-04-01T10:00:00.000Z',
      endedAt: '2026-04-01T10:01:00.000Z',
      result: 'Succeeded',
    },
  ])
  // The app's files are replaced as a whole (one no longer rendered goes); every other group's stay.
  assert.equal(await readState(svc.store, 'production'), {
    environment: 'production',
    apps: {
      'patient-api': {
        version: '1.15.0',
        revision: '1.15.0+0123456789ab',
        bundleKey: 'bundles/production/patient-api/1.15.0.tar.gz',
        sha256: 'sha-1.15.0',
        deploymentId: id,
        deployedAt: '2026-04-01T10:01:00.000Z',
        commit: 'abc1234',
      },
    },
    files: {
      'apps/patient-api-v2/appspec.yml': 'another app whose name starts the same\n',
      'apps/patient-api/appspec.yml': 'new appspec\n',
      'apps/patient-api/nginx/patient-api.conf': 'server {}\n',
      'backup/systemd/drsignet-backup-production.timer': 'the backup tool\n',
    },
  })
  assert.equal(alerts, [], 'no alert for a deployment that succeeded')
  // Its own lines (followDeployment's progress lines come between them).
  assert.equal(
    lines.filter((l) => l.startsWith('patient-api: ')),
    [
      'patient-api: this endpoint cannot register revisions; the deployment names the bundle directly',
      `patient-api: deployment ${id} created (CodeDeployDefault.OneAtATime, s3://${bucket}/bundles/production/patient-api/1.15.0.tar.gz)`,
      `patient-api: deployed 1.15.0+0123456789ab; audit s3://${bucket}/audit/production/2026-04-01T10-01-00-000Z-patient-api-${id}.json`,
    ],
  )
})

test('a deployment that fails: a Failed audit record naming the error and the failing event, the state untouched, an alert to the topics that exist', async () => {
  const before = await readState(svc.store, 'production')
  const ok = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart'].map((name) => ({
    name,
    status: 'Succeeded',
  }))
  const deployer = agents(
    {
      status: 'Failed',
      overview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 1, Skipped: 0 },
      error: { code: 'HEALTH_CONSTRAINTS', message: 'too many individual instances failed deployment' },
    },
    [
      { instanceId: 'i-0aaa', status: 'Succeeded', events: [...ok, { name: 'ValidateService', status: 'Succeeded' }] },
      {
        instanceId: 'i-0bbb',
        status: 'Failed',
        events: [
          ...ok,
          {
            name: 'ValidateService',
            status: 'Failed',
            diagnostics: {
              errorCode: 'ScriptFailed',
              scriptName: 'hooks/validate-service.sh',
              message: 'failed with exit code 1',
              logTail: 'health check failed after 10 attempts',
            },
          },
        ],
      },
    ],
  )
  const lines: string[] = []
  const r = await deployRelease(
    model,
    await release('1.16.0', { 'apps/patient-api/appspec.yml': 'newer\n' }),
    'deploy',
    services(deployer),
    runtime(lines, '2026-04-02T10:00:00.000Z'),
  )
  const id = deployer.created[0]!
  assert.equal(
    [r.ok, r.deploymentId, r.followed.failure?.event, r.followed.failure?.instanceId],
    [false, id, 'ValidateService', 'i-0bbb'],
  )
  const audit = (await readAudit(svc.store, 'production')).at(-1)!
  assert.equal(
    [audit.deploymentId, audit.version, audit.result, audit.error],
    [
      id,
      '1.16.0',
      'Failed',
      'HEALTH_CONSTRAINTS: too many individual instances failed deployment; ValidateService on i-0bbb',
    ],
  )
  assert.equal(await readState(svc.store, 'production'), before)
  const message = [
    `Deployment ${id} of patient-api 1.16.0 to production failed at ValidateService on i-0bbb.`,
    '',
    'revision: 1.16.0+0123456789ab',
    'commit: abc1234',
    `started by: ${WHO}`,
    'instances: 1 succeeded, 1 failed, 0 not finished',
    'error: HEALTH_CONSTRAINTS: too many individual instances failed deployment',
    'error code: ScriptFailed',
    'script: hooks/validate-service.sh',
    'message: failed with exit code 1',
    '',
    'log tail:',
    '  health check failed after 10 attempts',
    '',
    'CodeDeploy rolls the instances back automatically (DEPLOYMENT_FAILURE).',
  ]
  const topic = 'arn:aws:sns:ap-south-1:111122223333:drsignet-production-deployments'
  assert.equal(alerts, [
    {
      Subject: '[production] patient-api deployment failed at ValidateService on i-0bbb',
      Message: message.join('\n') + '\n',
      TopicArn: topic,
    },
  ])
  const sent = lines.findIndex((l) => l.startsWith(`patient-api: deployment ${id} Failed;`))
  assert.equal(lines.slice(sent), [
    `patient-api: deployment ${id} Failed; alert sent to ${topic} (topics not found: drsignet-production-operations)`,
    ...message.map((l) => `  ${l}`),
  ])
})

test('a rollback that is stopped without an error: recorded as a Stopped rollback, and said when no topic exists', async () => {
  alerts.length = 0
  const nowhere = fixtureModel(model.apps, { deployment: { ...model.env.deployment, notify: ['nowhere'] } })
  const deployer = agents({
    status: 'Stopped',
    overview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 2 },
  })
  const lines: string[] = []
  const r = await deployRelease(
    nowhere,
    await release('1.14.2', {}),
    'rollback',
    services(deployer),
    runtime(lines, '2026-04-03T10:00:00.000Z'),
  )
  const id = deployer.created[0]!
  assert.is(r.ok, false)
  assert.is(
    (await motoDeployment(moto.endpoint, id)).description,
    'rollback patient-api 1.14.2 (1.14.2+0123456789ab) commit abc1234',
  )
  const audit = (await readAudit(svc.store, 'production')).at(-1)!
  assert.equal([audit.deploymentId, audit.action, audit.result, audit.error], [id, 'rollback', 'Stopped', 'Stopped'])
  assert.ok(
    lines.includes(
      `patient-api: deployment ${id} Stopped; alert sent to no topic (topics not found: drsignet-production-nowhere)`,
    ),
    lines.join('\n'),
  )
  assert.equal(alerts, [])
})

test.run()
