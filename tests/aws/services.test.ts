// The wiring of every AWS-backed interface for one environment, against moto: its bucket, lock and KMS key, its
// topics and metrics, and the emulator wrappers only when asked for (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3'
import { DescribeStacksCommand, ListExportsCommand } from '@aws-sdk/client-cloudformation'
import { CreateTopicCommand } from '@aws-sdk/client-sns'
import { createBuckets, startMoto, type Moto } from '../harness/moto.ts'
import { fixtureModel } from '../fixtures/model.ts'
import { awsClients, type AwsClients } from '../../scripts/lib/aws/clients.ts'
import { awsServices } from '../../scripts/lib/aws/services.ts'

const model = fixtureModel()
const { region } = model.env
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION']
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]))
let moto: Moto
let clients: AwsClients

test.before(async () => {
  moto = await startMoto({ account: model.env.account })
  Object.assign(process.env, moto.env)
  clients = awsClients(region)
  await createBuckets(clients.s3, region, [model.env.buckets.artifacts])
})
test.after(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  await moto?.stop()
})

/** 'rejected', or what the call resolved to. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => `resolved ${JSON.stringify(v)}`,
    () => 'rejected',
  )

test("the store and the lock live in the environment's artifacts bucket, written with its KMS key", async () => {
  const svc = awsServices(model, { clients })
  assert.is(svc.clients, clients)
  assert.is(svc.store.bucket, 'drsignet-production-artifacts')
  assert.is(svc.lock.where, 's3://drsignet-production-artifacts/locks/production.json')
  await svc.store.put('state/production.json', '{}', 'application/json')
  const record = { holder: 'h', commit: 'c', acquiredAt: '2026-12-01T00:00:00.000Z', ttlSeconds: 60, token: 't' }
  assert.equal(await svc.lock.tryAcquire(record), { acquired: true })
  for (const Key of ['state/production.json', 'locks/production.json']) {
    const h = await clients.s3.send(new HeadObjectCommand({ Bucket: 'drsignet-production-artifacts', Key }))
    assert.equal([Key, h.SSEKMSKeyId], [Key, 'alias/drsignet-production'])
  }
  const body = await (
    await clients.s3.send(
      new GetObjectCommand({ Bucket: 'drsignet-production-artifacts', Key: 'locks/production.json' }),
    )
  ).Body!.transformToString()
  assert.equal(JSON.parse(body), record)
})

test('without clients handed in, it builds its own for the environment region from the environment', async () => {
  const svc = awsServices(model)
  assert.is(await svc.clients.s3.config.region(), 'ap-south-1')
  assert.is(await svc.store.head('state/production.json').then((h) => !!h?.eTag), true)
})

test('alerts go to the named topics and delivery metrics to CloudWatch, through the same clients', async () => {
  await clients.sns.send(new CreateTopicCommand({ Name: 'drsignet-production-deployments' }))
  const svc = awsServices(model, { clients })
  assert.equal(
    await svc.notifier.publish(['drsignet-production-deployments', 'nope'], { subject: 's', message: 'm' }),
    {
      published: ['arn:aws:sns:ap-south-1:111122223333:drsignet-production-deployments'],
      missing: ['nope'],
    },
  )
  const metrics = [{ scope: 'all', deployments: 1, perDay: 1, incidents: 0 }]
  assert.is(await svc.delivery.publish('production', metrics, new Date('2026-12-01T00:00:00Z')), 1)
})

test('the CodeDeploy operations moto lacks: "not supported" on the emulator, a failure on moto, without the emulator wrapper', async () => {
  const bundle = { bucket: 'drsignet-production-artifacts', key: 'bundles/x.tgz' }
  const onEmulator = awsServices(model, { clients, emulator: true })
  assert.is(await onEmulator.deployer.register('drsignet-production', bundle, 'd'), false)
  assert.is(await onEmulator.deployer.instances('d-1'), undefined)
  const plain = awsServices(model, { clients })
  // What moto answers for an operation it lacks is its own affair (today an HTML page): only that the call fails.
  assert.is(await outcome(plain.deployer.register('drsignet-production', bundle, 'd')), 'rejected')
  assert.is(await outcome(plain.deployer.instances('d-1')), 'rejected')
})

test('on the emulator a new stack is created with CreateStack after its preview, so its exports exist, with the service role', async () => {
  const roleArn = 'arn:aws:iam::111122223333:role/drsignet-production-cloudformation'
  const svc = awsServices(model, { clients, emulator: true, pollMs: 10, roleArn })
  const spec = {
    stack: 'drsignet-production-tiny',
    templateBody: JSON.stringify({
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'drsignet-production-tiny' } } },
      Outputs: { TopicArn: { Value: { Ref: 'Topic' }, Export: { Name: 'drsignet-production-tiny-topic' } } },
    }),
    parameters: {},
    tags: { Environment: 'production' },
  }
  const cs = await svc.stacks.createChangeSet(spec, 'deploy-1')
  assert.is(cs.type, 'CREATE')
  await svc.stacks.execute(spec, cs)
  assert.equal(await svc.stacks.wait(spec.stack), { status: 'CREATE_COMPLETE', failures: [] })
  const exports = (await clients.cfn.send(new ListExportsCommand({}))).Exports ?? []
  assert.equal(
    exports.map((e) => [e.Name, e.Value]),
    [['drsignet-production-tiny-topic', 'arn:aws:sns:ap-south-1:111122223333:drsignet-production-tiny']],
  )
  const stack = (await clients.cfn.send(new DescribeStacksCommand({ StackName: spec.stack }))).Stacks![0]!
  assert.is(stack.RoleARN, roleArn)
})

test.run()
