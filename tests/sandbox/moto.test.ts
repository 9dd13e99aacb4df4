// moto as the sandbox runs it: the credentials that reach it alone, a daemon of its own session on loopback in the
// environment's account (or the one-line failure), a certificate from its ACM, the CodeDeploy groups its CloudFormation
// cannot make, and the templates it skips (moto_server on 127.0.0.1, stopped after; temp log folder).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CodeDeployClient, GetDeploymentGroupCommand, ListDeploymentGroupsCommand } from '@aws-sdk/client-codedeploy'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import type { PlannedStack } from '../../scripts/lib/apply/stacks.ts'
import {
  createDeploymentGroups,
  instanceRoleEnv,
  motoCertificate,
  motoEnv,
  motoSkip,
  startMotoDaemon,
} from '../../scripts/lib/sandbox/moto.ts'
import { productionModel } from '../fixtures/model.ts'
import { requireTool } from '../harness/tools.ts'

const work = mkdtempSync(join(tmpdir(), 'sandbox-moto-'))
const model = productionModel()
const account = model.env.account
let moto: { pid: number; endpoint: string } | undefined
const saved = { ...process.env }

test.before(async () => {
  // An earlier sandbox's moto announced its port in the same log; this one must be found by its own line.
  writeFileSync(join(work, 'moto.log'), ' * Running on http://127.0.0.1:1\n')
  moto = await startMotoDaemon({
    bin: requireTool('moto_server'),
    account,
    log: join(work, 'moto.log'),
  })
})
test.after(() => {
  if (moto) process.kill(moto.pid, 'SIGKILL')
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
  rmSync(work, { recursive: true, force: true })
})

test('the SDK and CLI get this endpoint, test credentials, the region and no instance metadata', () => {
  assert.equal(motoEnv('http://127.0.0.1:5000', 'eu-west-1'), {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
  assert.is(motoEnv('http://127.0.0.1:5000').AWS_REGION, 'ap-south-1')
})

test("a hook gets the same, plus this machine's npm cache read offline", () => {
  const before = process.env.npm_config_cache
  const npmCache = join(work, 'npm-cache')
  process.env.npm_config_cache = npmCache
  try {
    assert.equal(instanceRoleEnv('http://10.0.0.1:5000', 'ap-south-1'), {
      ...motoEnv('http://10.0.0.1:5000', 'ap-south-1'),
      npm_config_cache: npmCache,
      npm_config_offline: 'true',
    })
  } finally {
    if (before === undefined) delete process.env.npm_config_cache
    else process.env.npm_config_cache = before
  }
})

test("the daemon answers on the port it announced (not an earlier run's), in a session of its own, every caller in the given account", async () => {
  assert.match(moto!.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.is.not(moto!.endpoint, 'http://127.0.0.1:1')
  const stat = readFileSync(`/proc/${moto!.pid}/stat`, 'utf8')
  const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])
  assert.is(session, moto!.pid, 'its own session: it outlives the command that started it')
  assert.ok(readFileSync(`/proc/${moto!.pid}/cmdline`, 'utf8').includes('moto_server'))
  const sts = new STSClient({
    region: 'ap-south-1',
    endpoint: moto!.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  assert.is((await sts.send(new GetCallerIdentityCommand({}))).Account, account)
  assert.ok(existsSync(join(work, 'moto.log')))
})

test('a moto_server that exits at once is reported in one line naming its log', async () => {
  const log = join(work, 'false.log')
  const err = await startMotoDaemon({ bin: '/bin/false', account, log }).catch((e: Error) => e.message)
  assert.is(err, `moto_server exited with 1; see ${log}`)
})

test("moto's ACM issues the load balancer's certificate, in the environment's account", async () => {
  const arn = await motoCertificate(moto!.endpoint, 'admin.drsignet.com')
  assert.match(arn, new RegExp(`^arn:aws:acm:ap-south-1:${account}:certificate/[0-9a-f-]{36}$`))
})

test("the CodeDeploy application and a group per app, with traffic control, and the backup tool's without", async () => {
  Object.assign(process.env, motoEnv(moto!.endpoint, model.env.region))
  await createDeploymentGroups(model)
  const cd = new CodeDeployClient({ region: model.env.region })
  const applicationName = 'drsignet-production'
  const groups = await cd.send(new ListDeploymentGroupsCommand({ applicationName }))
  assert.equal(groups.deploymentGroups?.sort(), ['admin-portal', 'backup', 'doctor-api', 'patient-api'])
  const group = async (deploymentGroupName: string) => {
    const g = (await cd.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName })))
      .deploymentGroupInfo!
    return [g.deploymentConfigName, g.deploymentStyle?.deploymentOption, g.serviceRoleArn]
  }
  const role = `arn:aws:iam::${account}:role/codedeploy`
  assert.equal(await group('patient-api'), ['CodeDeployDefault.OneAtATime', 'WITH_TRAFFIC_CONTROL', role])
  assert.equal(await group('backup'), ['CodeDeployDefault.OneAtATime', 'WITHOUT_TRAFFIC_CONTROL', role])
})

test('the templates moto cannot create are skipped with the resource it lacks; the others are not', () => {
  const stack = (template: string) =>
    ({ stack: 's', templateBody: '', parameters: {}, tags: {}, template }) as PlannedStack
  assert.is(motoSkip(stack('app.yaml')), "moto's CloudFormation cannot create AWS::CodeDeploy::DeploymentGroup")
  for (const template of ['network.yaml', 'data.yaml', 'instance-group.yaml'])
    assert.is(motoSkip(stack(template)), undefined, template)
})

test.run()
