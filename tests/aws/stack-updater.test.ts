// CloudFormation through change sets against moto with tiny templates: create vs update, previews that leave nothing,
// "no changes" either way an endpoint says it, waiting and its event lines, parameters, the stacks listing, SSM values;
// resource failures, slow change sets, timeouts and drift results are scripted at the SDK's send, since moto's
// CloudFormation never fails a resource, is synchronous and has no drift detection (moto on loopback; scripted clients).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CloudFormationClient, type StackEvent } from '@aws-sdk/client-cloudformation'
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { startMoto, type Moto } from '../harness/moto.ts'
import { CAPABILITIES, cfnStackUpdater, type StackSpec } from '../../scripts/lib/aws/stack-updater.ts'

const region = 'ap-south-1'
let moto: Moto
let cfn: CloudFormationClient
let ssm: SSMClient

test.before(async () => {
  moto = await startMoto()
  const config = {
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }
  cfn = new CloudFormationClient(config)
  ssm = new SSMClient(config)
})
test.after(async () => {
  await moto?.stop()
})

/** An SSM parameter whose value is the stack parameter Value. */
const withParameter: StackSpec = {
  stack: 'drsignet-staging-tiny',
  templateBody: JSON.stringify({
    Parameters: { Value: { Type: 'String' } },
    Resources: { Setting: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { Ref: 'Value' } } } },
  }),
  parameters: { Value: 'one' },
  tags: { Environment: 'staging', Fingerprint: 'f1' },
}
/** No parameters at all: moto then answers "no changes" with a FAILED change set instead of refusing at once. */
const topicOnly: StackSpec = {
  stack: 'drsignet-staging-topic',
  templateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
  parameters: {},
  tags: { Environment: 'staging' },
}

test('a new stack: its preview is a CREATE change set of what it adds, and deleting the preview leaves no stack', async () => {
  const stacks = cfnStackUpdater(cfn, { pollMs: 20, timeoutMs: 5000 })
  assert.is(await stacks.status(withParameter.stack), undefined)
  const cs = await stacks.createChangeSet(withParameter, 'preview-1')
  assert.equal(
    { ...cs, id: cs.id.replace(/[0-9a-f-]{36}$/, 'ID') },
    {
      id: `arn:aws:cloudformation:${region}:123456789012:changeSet/preview-1/ID`,
      type: 'CREATE',
      changes: [{ action: 'Add', logicalId: 'Setting', type: 'AWS::SSM::Parameter', replacement: undefined }],
      noChanges: false,
      failure: undefined,
    },
  )
  await stacks.deleteChangeSet(withParameter.stack, cs.id, cs.type)
  assert.is(await stacks.status(withParameter.stack), undefined)
  assert.equal([...(await stacks.deployedStacks()).keys()], [])
  assert.equal(await stacks.parameters(withParameter.stack), {})
})

test('a review stub left behind (the preview role may not delete it) reads as no stack; the next change set is a CREATE again', async () => {
  // Its own stack: moto, unlike AWS, makes a second stack of the same name when that CREATE change set executes.
  const spec = { ...topicOnly, stack: 'drsignet-staging-stub' }
  const stacks = cfnStackUpdater(cfn, { pollMs: 20, timeoutMs: 5000 })
  const stub = await stacks.createChangeSet(spec, 'preview-2')
  assert.is(stub.type, 'CREATE')
  assert.is(await stacks.status(spec.stack), undefined)
  assert.equal([...(await stacks.deployedStacks()).keys()], [])
  const again = await stacks.createChangeSet(spec, 'deploy-1')
  assert.equal([again.type, again.noChanges, again.changes.length], ['CREATE', false, 1])
})

test('executing a CREATE change set and waiting: CREATE_COMPLETE, no failures, its events as lines', async () => {
  const stacks = cfnStackUpdater(cfn, { pollMs: 20, timeoutMs: 5000 })
  const cs = await stacks.createChangeSet(withParameter, 'deploy-2')
  await stacks.execute(withParameter, cs)
  const lines: string[] = []
  assert.equal(await stacks.wait(withParameter.stack, (l) => lines.push(l)), {
    status: 'CREATE_COMPLETE',
    failures: [],
  })
  // moto's events are the stack's own (two CREATE_IN_PROGRESS of its own), oldest first.
  assert.equal(lines, [
    'drsignet-staging-tiny drsignet-staging-tiny REVIEW_IN_PROGRESS: User Initiated',
    'drsignet-staging-tiny drsignet-staging-tiny CREATE_IN_PROGRESS: User Initiated',
    'drsignet-staging-tiny drsignet-staging-tiny CREATE_IN_PROGRESS: User Initiated',
    'drsignet-staging-tiny drsignet-staging-tiny CREATE_COMPLETE',
  ])
  assert.is(await stacks.status(withParameter.stack), 'CREATE_COMPLETE')
  assert.equal(await stacks.parameters(withParameter.stack), { Value: 'one' })
  const deployed = (await stacks.deployedStacks()).get(withParameter.stack)!
  assert.equal(
    { ...deployed, updatedAt: /^\d{4}-\d\d-\d\dT.*Z$/.test(deployed.updatedAt) },
    {
      status: 'CREATE_COMPLETE',
      tags: { Environment: 'staging', Fingerprint: 'f1' },
      updatedAt: true,
      parameters: { Value: 'one' },
    },
  )
})

test('a stack that exists gets an UPDATE change set; executed, the stack runs with the new parameters', async () => {
  const stacks = cfnStackUpdater(cfn, { pollMs: 20, timeoutMs: 5000 })
  const spec = { ...withParameter, parameters: { Value: 'two' } }
  const cs = await stacks.createChangeSet(spec, 'deploy-3')
  assert.equal([cs.type, cs.noChanges, cs.failure], ['UPDATE', false, undefined])
  await stacks.execute(spec, cs)
  assert.equal(await stacks.wait(spec.stack), { status: 'UPDATE_COMPLETE', failures: [] })
  assert.equal(await stacks.parameters(spec.stack), { Value: 'two' })
})

test('nothing to change is "no changes", whether the endpoint refuses the change set at once or creates a FAILED one', async () => {
  const stacks = cfnStackUpdater(cfn, { pollMs: 20, timeoutMs: 5000 })
  // moto refuses an update with the same template and parameters at once ("No updates are to be performed").
  const refused = await stacks.createChangeSet({ ...withParameter, parameters: { Value: 'two' } }, 'deploy-4')
  assert.equal(refused, { id: '', type: 'UPDATE', changes: [], noChanges: true })
  await stacks.deleteChangeSet(withParameter.stack, refused.id, refused.type)
  // Without parameters it creates a FAILED change set saying it "didn't contain changes", as AWS does.
  const cs = await stacks.createChangeSet(topicOnly, 'deploy-5')
  await stacks.execute(topicOnly, cs)
  await stacks.wait(topicOnly.stack)
  const same = await stacks.createChangeSet(topicOnly, 'deploy-6')
  // (moto's FAILED change set still lists a Modify; AWS's lists none.)
  assert.equal([same.type, same.noChanges, same.failure], ['UPDATE', true, undefined])
  assert.match(same.id, /changeSet\/deploy-6\//)
  await stacks.deleteChangeSet(topicOnly.stack, same.id, same.type)
  assert.is(await stacks.status(topicOnly.stack), 'CREATE_COMPLETE')
})

test('the stacks listing names every stack with its status', async () => {
  const listed = await cfnStackUpdater(cfn).deployedStacks()
  assert.equal([...listed].map(([name, s]) => `${name} ${s.status}`).sort(), [
    'drsignet-staging-tiny UPDATE_COMPLETE',
    'drsignet-staging-topic CREATE_COMPLETE',
  ])
})

test("moto has no drift detection: UNAVAILABLE, saying why, not 'in sync'", async () => {
  assert.equal(await cfnStackUpdater(cfn).drift(withParameter.stack), {
    status: 'UNAVAILABLE',
    resources: [],
    unavailable: 'the endpoint does not implement drift detection',
  })
})

test('SSM values: read ten names a call; a name that cannot be read is absent; without an SSM client, none', async () => {
  const names = Array.from({ length: 12 }, (_, i) => `/drsignet/staging/p${i}`)
  for (const [i, Name] of names.entries())
    if (i !== 4) await ssm.send(new PutParameterCommand({ Name, Value: `v${i}`, Type: 'String' }))
  const calls: number[] = []
  ssm.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>) => (args: { input: { Names: string[] } }) => {
      calls.push(args.input.Names.length)
      return next(args)
    }) as never,
    { step: 'initialize', name: 'countNames' },
  )
  const values = await cfnStackUpdater(cfn, { ssm }).resolveSsm(names)
  assert.equal(calls, [10, 2])
  assert.equal(values, Object.fromEntries(names.flatMap((n, i) => (i === 4 ? [] : [[n, `v${i}`]]))))
  assert.equal(await cfnStackUpdater(cfn).resolveSsm(names), {})
})

// ---- scripted: what moto cannot produce ----

type Sent = { name: string; input: any }
function scriptedCfn(answer: (name: string, input: any, n: number) => unknown) {
  const sent: Sent[] = []
  const client = {
    send: async (c: { constructor: { name: string }; input: unknown }) => {
      const name = c.constructor.name.replace(/Command$/, '')
      sent.push({ name, input: c.input })
      return answer(name, c.input, sent.filter((s) => s.name === name).length)
    },
  }
  return { sent, client: client as unknown as CloudFormationClient }
}
const notFound = () => {
  throw Object.assign(new Error('Stack with id drsignet-staging-x does not exist'), {
    name: 'ValidationError',
    $metadata: { httpStatusCode: 400 },
  })
}

test('the change set asks for every capability, with the service role, parameters and tags', async () => {
  const { sent, client } = scriptedCfn((name) =>
    name === 'DescribeStacks'
      ? notFound()
      : name === 'CreateChangeSet'
        ? { Id: 'cs-1' }
        : { Status: 'CREATE_COMPLETE', Changes: [] },
  )
  const roleArn = 'arn:aws:iam::444455556666:role/drsignet-staging-cloudformation'
  await cfnStackUpdater(client, { pollMs: 1, roleArn }).createChangeSet(withParameter, 'deploy-7')
  const create = sent.find((s) => s.name === 'CreateChangeSet')!.input
  assert.equal(create, {
    StackName: 'drsignet-staging-tiny',
    TemplateBody: withParameter.templateBody,
    RoleARN: roleArn,
    Parameters: [{ ParameterKey: 'Value', ParameterValue: 'one' }],
    Tags: [
      { Key: 'Environment', Value: 'staging' },
      { Key: 'Fingerprint', Value: 'f1' },
    ],
    ChangeSetName: 'deploy-7',
    ChangeSetType: 'CREATE',
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
  })
  assert.equal(CAPABILITIES, create.Capabilities)
})

test('a change set that fails for another reason reports the reason; its changes are read across pages once it is done', async () => {
  const change = (id: string, action: string, replacement?: string) => ({
    ResourceChange: {
      Action: action,
      LogicalResourceId: id,
      ResourceType: 'AWS::S3::Bucket',
      Replacement: replacement,
    },
  })
  const { sent, client } = scriptedCfn((name, input, n) => {
    if (name === 'DescribeStacks') return { Stacks: [{ StackStatus: 'UPDATE_COMPLETE' }] }
    if (name === 'CreateChangeSet') return { Id: `cs-${input.ChangeSetName}` }
    if (input.ChangeSetName === 'cs-slow' && !input.NextToken)
      return n === 1
        ? { Status: 'CREATE_IN_PROGRESS' }
        : { Status: 'CREATE_COMPLETE', Changes: [change('Logs', 'Modify', 'True')], NextToken: 'p2' }
    if (input.NextToken === 'p2') return { Status: 'CREATE_COMPLETE', Changes: [change('Data', 'Add'), {}] }
    if (input.ChangeSetName === 'cs-bad') return { Status: 'FAILED', StatusReason: 'Template format error: bad' }
    return { Status: 'FAILED' }
  })
  const stacks = cfnStackUpdater(client, { pollMs: 1 })
  assert.equal(await stacks.createChangeSet(withParameter, 'slow'), {
    id: 'cs-slow',
    type: 'UPDATE',
    changes: [
      { action: 'Modify', logicalId: 'Logs', type: 'AWS::S3::Bucket', replacement: 'True' },
      { action: 'Add', logicalId: 'Data', type: 'AWS::S3::Bucket', replacement: undefined },
    ],
    noChanges: false,
    failure: undefined,
  })
  assert.equal(
    sent.filter((s) => s.name === 'DescribeChangeSet').map((s) => s.input.NextToken ?? '-'),
    ['-', '-', 'p2'],
  )
  const bad = await stacks.createChangeSet(withParameter, 'bad')
  assert.equal([bad.noChanges, bad.failure], [false, 'Template format error: bad'])
  const silent = await stacks.createChangeSet(withParameter, 'silent')
  assert.equal([silent.noChanges, silent.failure], [false, 'change set failed'])
})

test('a change set still pending past the timeout is an error naming the stack, the change set and its status', async () => {
  const { client } = scriptedCfn((name) =>
    name === 'DescribeStacks' ? notFound() : name === 'CreateChangeSet' ? { Id: 'cs-1' } : { Status: 'CREATE_PENDING' },
  )
  const e = await cfnStackUpdater(client, { pollMs: 5, timeoutMs: 20 })
    .createChangeSet(withParameter, 'deploy-8')
    .catch((x: Error) => x.message)
  assert.is(e, 'drsignet-staging-tiny: change set deploy-8 still CREATE_PENDING')
})

const event = (id: string, logical: string, status: string, reason?: string): StackEvent => ({
  EventId: id,
  StackId: 'arn:aws:cloudformation:ap-south-1:123456789012:stack/drsignet-staging-data/1',
  StackName: 'drsignet-staging-data',
  LogicalResourceId: logical,
  ResourceType: logical === 'drsignet-staging-data' ? 'AWS::CloudFormation::Stack' : 'AWS::S3::Bucket',
  ResourceStatus: status as StackEvent['ResourceStatus'],
  ResourceStatusReason: reason,
  Timestamp: new Date(0),
})

test("wait polls until the stack settles and reports this operation's failed resources only, with their reasons", async () => {
  const stack = 'drsignet-staging-data'
  // Newest first, as DescribeStackEvents answers: an earlier update's failure, then this one's start and failures.
  const earlier = [
    event('e1', stack, 'UPDATE_IN_PROGRESS', 'User Initiated'),
    event('e2', 'Logs', 'UPDATE_FAILED', 'an old failure'),
    event('e3', stack, 'UPDATE_ROLLBACK_COMPLETE'),
  ]
  const now = [
    event('e4', stack, 'UPDATE_IN_PROGRESS', 'User Initiated'),
    event('e5', 'Data', 'UPDATE_FAILED', 'Bucket policy denies s3:PutObject'),
  ]
  const settled = [
    event('e6', 'Logs', 'UPDATE_FAILED', 'Resource update cancelled'),
    event('e7', stack, 'UPDATE_ROLLBACK_FAILED', 'The following resource(s) failed to update: [Data, Logs]'),
  ]
  const { sent, client } = scriptedCfn((name, _input, n) => {
    if (name === 'DescribeStacks')
      return { Stacks: [{ StackStatus: n === 1 ? 'UPDATE_IN_PROGRESS' : 'UPDATE_ROLLBACK_FAILED' }] }
    return { StackEvents: (n === 1 ? [...earlier, ...now] : [...earlier, ...now, ...settled]).reverse() }
  })
  const lines: string[] = []
  const outcome = await cfnStackUpdater(client, { pollMs: 1 }).wait(stack, (l) => lines.push(l))
  assert.equal(outcome, {
    status: 'UPDATE_ROLLBACK_FAILED',
    failures: [
      {
        logicalId: 'Data',
        type: 'AWS::S3::Bucket',
        status: 'UPDATE_FAILED',
        reason: 'Bucket policy denies s3:PutObject',
      },
      { logicalId: 'Logs', type: 'AWS::S3::Bucket', status: 'UPDATE_FAILED', reason: 'Resource update cancelled' },
    ],
  })
  assert.equal(lines, [
    'drsignet-staging-data drsignet-staging-data UPDATE_IN_PROGRESS: User Initiated',
    'drsignet-staging-data Logs UPDATE_FAILED: an old failure',
    'drsignet-staging-data drsignet-staging-data UPDATE_ROLLBACK_COMPLETE',
    'drsignet-staging-data drsignet-staging-data UPDATE_IN_PROGRESS: User Initiated',
    'drsignet-staging-data Data UPDATE_FAILED: Bucket policy denies s3:PutObject',
    'drsignet-staging-data Logs UPDATE_FAILED: Resource update cancelled',
    'drsignet-staging-data drsignet-staging-data UPDATE_ROLLBACK_FAILED: The following resource(s) failed to update: [Data, Logs]',
  ])
  assert.is(sent.filter((s) => s.name === 'DescribeStacks').length, 2)
})

test('a stack still in progress past the timeout: its status and one failure saying it timed out', async () => {
  const { client } = scriptedCfn((name) =>
    name === 'DescribeStacks' ? { Stacks: [{ StackStatus: 'CREATE_IN_PROGRESS' }] } : { StackEvents: [] },
  )
  assert.equal(await cfnStackUpdater(client, { pollMs: 5, timeoutMs: 20 }).wait('drsignet-staging-data'), {
    status: 'CREATE_IN_PROGRESS',
    failures: [
      {
        logicalId: 'drsignet-staging-data',
        type: 'AWS::CloudFormation::Stack',
        status: 'CREATE_IN_PROGRESS',
        reason: 'timed out waiting',
      },
    ],
  })
})

test('drift where the endpoint detects it: the stack status and the modified or deleted resources', async () => {
  const { sent, client } = scriptedCfn((name, _input, n) => {
    if (name === 'DetectStackDrift') return { StackDriftDetectionId: 'det-1' }
    if (name === 'DescribeStackDriftDetectionStatus')
      return n === 1
        ? { DetectionStatus: 'DETECTION_IN_PROGRESS' }
        : { DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED' }
    return {
      StackResourceDrifts: [
        { LogicalResourceId: 'Logs', ResourceType: 'AWS::S3::Bucket', StackResourceDriftStatus: 'MODIFIED' },
        { LogicalResourceId: 'Role', ResourceType: 'AWS::IAM::Role', StackResourceDriftStatus: 'DELETED' },
      ],
    }
  })
  assert.equal(await cfnStackUpdater(client, { pollMs: 1 }).drift('drsignet-staging-data'), {
    status: 'DRIFTED',
    resources: [
      { logicalId: 'Logs', type: 'AWS::S3::Bucket', drift: 'MODIFIED' },
      { logicalId: 'Role', type: 'AWS::IAM::Role', drift: 'DELETED' },
    ],
  })
  assert.equal(sent.at(-1)!.input, {
    StackName: 'drsignet-staging-data',
    StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
  })
})

test("drift refused for this stack is UNAVAILABLE with the error's first line; no credentials fails the command", async () => {
  const denied = Object.assign(new Error('User is not authorized to perform DetectStackDrift\nmore detail'), {
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
  })
  const refused = scriptedCfn(() => {
    throw denied
  })
  assert.equal(await cfnStackUpdater(refused.client).drift('drsignet-staging-data'), {
    status: 'UNAVAILABLE',
    resources: [],
    unavailable: 'AccessDenied: User is not authorized to perform DetectStackDrift',
  })
  const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  })
  const none = scriptedCfn(() => {
    throw noCredentials
  })
  assert.is(
    await cfnStackUpdater(none.client)
      .drift('x')
      .catch((e: Error) => e),
    noCredentials,
  )
})

test.run()
