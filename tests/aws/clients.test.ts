// The SDK clients for one region: their shared settings, every one reaching moto through AWS_ENDPOINT_URL alone (S3
// path-style, CloudWatch in the query protocol), and a named profile's credentials used (moto on loopback; temp files).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { ListApplicationsCommand } from '@aws-sdk/client-codedeploy'
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3'
import { ListTopicsCommand } from '@aws-sdk/client-sns'
import { DescribeParametersCommand } from '@aws-sdk/client-ssm'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { startMoto, type Moto } from '../harness/moto.ts'
import { awsClients, clientConfig } from '../../scripts/lib/aws/clients.ts'

const region = 'ap-south-1'
const work = mkdtempSync(join(tmpdir(), 'clients-'))
const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
]
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]))
/** Sets exactly these AWS variables for the next clients, none inherited. */
const setEnv = (vars: Record<string, string>) => {
  for (const k of ENV_KEYS) delete process.env[k]
  Object.assign(process.env, vars)
}
let moto: Moto

test.before(async () => {
  moto = await startMoto()
})
test.after(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

test('one attempt per call (our own retry decides), a 5 s connection timeout, the profile only when named', () => {
  assert.equal(clientConfig('ap-south-1'), {
    region: 'ap-south-1',
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000 },
  })
  assert.equal(clientConfig('eu-west-1', 'production'), {
    region: 'eu-west-1',
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000 },
    profile: 'production',
  })
})

test('with AWS_ENDPOINT_URL set, every client talks to that endpoint; S3 addresses buckets by path', async () => {
  setEnv(moto.env)
  const c = awsClients(region)
  assert.is(await c.s3.config.forcePathStyle, true)
  assert.is(await c.cfn.config.region(), region)
  assert.is(await c.cfn.config.maxAttempts(), 1)
  await c.s3.send(
    new CreateBucketCommand({
      Bucket: 'drsignet-staging-artifacts',
      CreateBucketConfiguration: { LocationConstraint: region },
    }),
  )
  // moto answers CloudWatch only in the query protocol: a metric put through this client is listed back by it.
  await c.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'DrSignet/ClientsTest',
      MetricData: [{ MetricName: 'Reached', Dimensions: [{ Name: 'Client', Value: 'cloudwatch' }], Value: 1 }],
    }),
  )
  const answers = {
    sts: (await c.sts.send(new GetCallerIdentityCommand({}))).Account,
    s3: (await c.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name),
    cfn: (await c.cfn.send(new DescribeStacksCommand({}))).Stacks,
    codedeploy: (await c.codedeploy.send(new ListApplicationsCommand({}))).applications,
    sns: (await c.sns.send(new ListTopicsCommand({}))).Topics,
    ssm: (await c.ssm.send(new DescribeParametersCommand({}))).Parameters,
    cloudwatch: (await c.cloudwatch.send(new ListMetricsCommand({ Namespace: 'DrSignet/ClientsTest' }))).Metrics?.map(
      (m) => [m.MetricName, m.Dimensions],
    ),
  }
  assert.equal(answers, {
    sts: '123456789012',
    s3: ['drsignet-staging-artifacts'],
    cfn: [],
    codedeploy: [],
    sns: [],
    ssm: [],
    cloudwatch: [['Reached', [{ Name: 'Client', Value: 'cloudwatch' }]]],
  })
})

test('without an endpoint override S3 keeps virtual-hosted addressing, as AWS wants', async () => {
  setEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' })
  assert.is(await awsClients(region).s3.config.forcePathStyle, false)
  setEnv({ AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' })
  assert.is(await awsClients(region).s3.config.forcePathStyle, true)
})

test("a named profile's credentials are the ones used, whatever the default chain would find", async () => {
  // Credentials in another account, as moto hands them out for a role assumed there.
  const assumed = await new STSClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }).send(
    new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/drsignet-release-manager', RoleSessionName: 't' }),
  )
  const k = assumed.Credentials!
  writeFileSync(
    join(work, 'credentials'),
    `[staging]\naws_access_key_id = ${k.AccessKeyId}\naws_secret_access_key = ${k.SecretAccessKey}\naws_session_token = ${k.SessionToken}\n`,
  )
  writeFileSync(join(work, 'config'), `[profile staging]\nregion = ${region}\n`)
  setEnv({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_CONFIG_FILE: join(work, 'config'),
  })
  const caller = await awsClients(region, 'staging').sts.send(new GetCallerIdentityCommand({}))
  assert.equal(
    [caller.Account, caller.Arn],
    ['444455556666', 'arn:aws:sts::444455556666:assumed-role/drsignet-release-manager/t'],
  )
})

test.run()
