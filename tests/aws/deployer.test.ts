// The CodeDeploy adapter: deployments created in moto's CodeDeploy as requested; reading a deployment's status, its
// instances' lifecycle events and registering a revision through a scripted client at the SDK's send, since moto lacks
// RegisterApplicationRevision and deployment targets and the SDK cannot parse moto's GetDeployment (moto on loopback; scripted clients).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy'
import { startMoto, type Moto } from '../harness/moto.ts'
import { motoDeployment } from '../integration/apply/support.ts'
import { codeDeployDeployer, type DeploymentRequest } from '../../scripts/lib/aws/deployer.ts'

const region = 'ap-south-1'
let moto: Moto
let cd: CodeDeployClient

test.before(async () => {
  moto = await startMoto()
  cd = new CodeDeployClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  await cd.send(new CreateApplicationCommand({ applicationName: 'drsignet-staging', computePlatform: 'Server' }))
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'drsignet-staging',
      deploymentGroupName: 'patient-api',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
    }),
  )
})
test.after(async () => {
  await moto?.stop()
})

const request: DeploymentRequest = {
  application: 'drsignet-staging',
  group: 'patient-api',
  bundle: {
    bucket: 'drsignet-staging-artifacts',
    key: 'bundles/patient-api/1.14.2+r1.tgz',
    eTag: '0cc175b9c0f1b6a831c399e269772661',
    versionId: 'v-3',
  },
  config: 'CodeDeployDefault.OneAtATime',
  rollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
  description: 'patient-api 1.14.2 (c0ffee0)',
}

/** A client whose `send` answers each command by name from `answers`, recording what was sent. */
function scripted(answers: Record<string, (input: any) => unknown>) {
  const sent: [string, any][] = []
  const client = {
    send: async (c: { constructor: { name: string }; input: unknown }) => {
      const name = c.constructor.name.replace(/Command$/, '')
      sent.push([name, c.input])
      return answers[name]!(c.input)
    },
  }
  return { sent, deployer: codeDeployDeployer(client as unknown as CodeDeployClient) }
}

/** The revision request.bundle names, as CodeDeploy must receive it for the deployment and for its registration. */
const s3Revision = {
  revisionType: 'S3',
  s3Location: {
    bucket: 'drsignet-staging-artifacts',
    key: 'bundles/patient-api/1.14.2+r1.tgz',
    bundleType: 'tgz',
    eTag: '0cc175b9c0f1b6a831c399e269772661',
    version: 'v-3',
  },
}

test('create makes an in-place deployment of the S3 revision, overwriting files, rolling back on the given events', async () => {
  const id = await codeDeployDeployer(cd).create(request)
  assert.match(id, /^[0-9a-f-]{36}$/)
  const stored = await motoDeployment(moto.endpoint, id)
  assert.equal(
    {
      applicationName: stored.applicationName,
      deploymentGroupName: stored.deploymentGroupName,
      deploymentConfigName: stored.deploymentConfigName,
      description: stored.description,
      revision: stored.revision,
    },
    {
      applicationName: 'drsignet-staging',
      deploymentGroupName: 'patient-api',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      description: 'patient-api 1.14.2 (c0ffee0)',
      revision: s3Revision,
    },
  )
  // What moto does not keep, the request still carried.
  const { sent, deployer } = scripted({ CreateDeployment: () => ({ deploymentId: 'd-1' }) })
  assert.is(await deployer.create(request), 'd-1')
  assert.equal(
    {
      autoRollback: sent[0]![1].autoRollbackConfiguration,
      fileExistsBehavior: sent[0]![1].fileExistsBehavior,
    },
    {
      autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      fileExistsBehavior: 'OVERWRITE',
    },
  )
})

test("an application or group that does not exist: CodeDeploy's own error", async () => {
  const failure = (r: DeploymentRequest) =>
    codeDeployDeployer(cd)
      .create(r)
      .then(
        () => 'created',
        (e: Error) => `${e.name}: ${e.message}`,
      )
  assert.is(
    await failure({ ...request, application: 'drsignet-nowhere' }),
    'ApplicationDoesNotExistException: The application drsignet-nowhere does not exist with the user or AWS account.',
  )
  assert.is(
    await failure({ ...request, group: 'doctor-api' }),
    'DeploymentGroupDoesNotExistException: Deployment group name does not exist.',
  )
})

test('get reports the status, instance counts, the error and what was asked for', async () => {
  const { deployer } = scripted({
    GetDeployment: ({ deploymentId }) => ({
      deploymentInfo: {
        deploymentId,
        applicationName: 'drsignet-staging',
        deploymentGroupName: 'patient-api',
        deploymentConfigName: 'CodeDeployDefault.OneAtATime',
        status: 'Failed',
        deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 1, Skipped: 0 },
        errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed' },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
        fileExistsBehavior: 'OVERWRITE',
        revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k' } },
      },
    }),
  })
  assert.equal(await deployer.get('d-2'), {
    id: 'd-2',
    status: 'Failed',
    overview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 1, Skipped: 0 },
    error: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed' },
    request: {
      application: 'drsignet-staging',
      group: 'patient-api',
      config: 'CodeDeployDefault.OneAtATime',
      autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
      fileExistsBehavior: 'OVERWRITE',
      revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k' } },
    },
  })
})

test('a deployment just created, with no overview yet: every count 0, no error; no info at all is Unknown', async () => {
  const { deployer } = scripted({
    GetDeployment: ({ deploymentId }) =>
      deploymentId === 'd-3'
        ? { deploymentInfo: { status: 'Created', deploymentOverview: { Pending: 2 }, errorInformation: {} } }
        : {},
  })
  const zero = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 }
  const fresh = await deployer.get('d-3')
  assert.equal([fresh.status, fresh.overview, fresh.error], ['Created', { ...zero, Pending: 2 }, undefined])
  const unknown = await deployer.get('d-4')
  assert.equal([unknown.status, unknown.overview, unknown.error], ['Unknown', zero, undefined])
})

test("instances: every target's lifecycle events with diagnostics, across pages and batches of 25, sorted by instance", async () => {
  const ids = Array.from({ length: 30 }, (_, i) => `i-${String(29 - i).padStart(3, '0')}`)
  const { sent, deployer } = scripted({
    ListDeploymentTargets: ({ nextToken }) =>
      nextToken ? { targetIds: ids.slice(20) } : { targetIds: ids.slice(0, 20), nextToken: 'page-2' },
    BatchGetDeploymentTargets: ({ targetIds }: { targetIds: string[] }) => ({
      deploymentTargets: targetIds.map((targetId) =>
        targetId === 'i-000'
          ? {
              instanceTarget: {
                targetId,
                status: 'Failed',
                lifecycleEvents: [
                  { lifecycleEventName: 'BeforeInstall', status: 'Succeeded' },
                  {
                    lifecycleEventName: 'ValidateService',
                    status: 'Failed',
                    diagnostics: { errorCode: 'ScriptFailed', scriptName: 'hooks/validate.sh', message: 'exit 1' },
                  },
                  { status: 'Skipped' },
                ],
              },
            }
          : targetId === 'i-001'
            ? { lambdaTarget: { targetId } }
            : { instanceTarget: { targetId, status: 'Succeeded' } },
      ),
    }),
  })
  const out = await deployer.instances('d-5')
  assert.equal(
    sent.map(([name, input]) => `${name} ${input.nextToken ?? input.targetIds?.length ?? ''}`),
    [
      'ListDeploymentTargets ',
      'ListDeploymentTargets page-2',
      'BatchGetDeploymentTargets 25',
      'BatchGetDeploymentTargets 5',
    ],
  )
  assert.is(out!.length, 29)
  assert.equal(
    out!.map((i) => i.instanceId),
    ids.filter((i) => i !== 'i-001').sort(),
  )
  assert.equal(out![0], {
    instanceId: 'i-000',
    status: 'Failed',
    events: [
      { name: 'BeforeInstall', status: 'Succeeded', diagnostics: undefined },
      {
        name: 'ValidateService',
        status: 'Failed',
        diagnostics: { errorCode: 'ScriptFailed', scriptName: 'hooks/validate.sh', message: 'exit 1', logTail: '' },
      },
      { name: '?', status: 'Skipped', diagnostics: undefined },
    ],
  })
  assert.equal(out![1], { instanceId: 'i-002', status: 'Succeeded', events: [] })
})

test('a deployment with no targets has no instances, and asks for none', async () => {
  const { sent, deployer } = scripted({ ListDeploymentTargets: () => ({}) })
  assert.equal(await deployer.instances('d-6'), [])
  assert.equal(
    sent.map(([name]) => name),
    ['ListDeploymentTargets'],
  )
})

test('register names the same S3 revision the deployment will, with its description', async () => {
  const { sent, deployer } = scripted({ RegisterApplicationRevision: () => ({}) })
  assert.is(await deployer.register('drsignet-staging', request.bundle, 'patient-api 1.14.2'), true)
  assert.equal(sent, [
    [
      'RegisterApplicationRevision',
      {
        applicationName: 'drsignet-staging',
        description: 'patient-api 1.14.2',
        revision: s3Revision,
      },
    ],
  ])
})

test.run()
