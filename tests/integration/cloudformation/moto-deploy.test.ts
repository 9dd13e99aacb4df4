// Creates the stacks whose resource types moto emulates (KMS, S3, IAM, EC2 networking, ALB, SNS, logs,
// alarms) in a moto server, in deployment order, and checks what they created (I/O: moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation'
import { GetBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3'
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms'
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { parseTemplate } from '../../../scripts/lib/cloudformation/read-template.ts'
import { stackInstances, type StackInstance } from '../../../scripts/lib/render/stack-parameters.ts'
import { checkParameters } from '../../../scripts/lib/render/stacks/check-parameters.ts'
import { productionModel } from '../../fixtures/model.ts'
import { motoCertificate } from '../../../scripts/lib/sandbox/moto.ts'
import { TEMPLATE_DIR } from '../../cloudformation/templates.ts'

// Templates whose main resources moto's CloudFormation creates. Left out: alarms (moto has no
// AWS::CloudWatch::Alarm in CloudFormation), vpn (moto needs ImageId on the instance itself), apps,
// repositories, pipeline and governance (CodeDeploy groups, CodeCommit, CodeBuild, Config, SSM, custom).
const MOTO_TEMPLATES = new Set([
  'data.yaml',
  'network.yaml',
  'security.yaml',
  'target-group.yaml',
  'instance-group.yaml',
  'load-balancer.yaml',
  'deploy.yaml',
  'topic.yaml',
  'monitoring.yaml',
])
// Types in those templates that moto skips with a warning; every other resource must really exist.
// (moto has no AWS WAF in CloudFormation: the web ACL is checked by cfn-lint, checkov and template-rules.test.ts.)
const MOTO_SKIPS = new Set([
  'AWS::S3::BucketPolicy',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::IAM::RolePolicy',
  'AWS::CodeDeploy::Application',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::WAFv2::WebACL',
  'AWS::WAFv2::WebACLAssociation',
  'AWS::WAFv2::LoggingConfiguration',
])

const model = productionModel()
let moto: Moto
const created = new Map<string, Stack>()
const config = () => ({
  endpoint: moto.endpoint,
  region: 'ap-south-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
})

test.before(async () => {
  moto = await startMoto()
})
test.after(async () => {
  await moto?.stop()
})

test('the moto-supported stacks deploy in order, with parameters from the Model', async () => {
  const cfn = new CloudFormationClient(config())
  const certificate = await motoCertificate(moto.endpoint, 'admin.drsignet.com')
  const stacks: StackInstance[] = stackInstances(model)
    .filter((s) => MOTO_TEMPLATES.has(s.template))
    .map((s) =>
      s.template === 'load-balancer.yaml' ? { ...s, parameters: { ...s.parameters, CertificateArn: certificate } } : s,
    )
  const failures: string[] = []
  let resources = 0
  for (const s of stacks) {
    const template = parseTemplate(readFileSync(join(TEMPLATE_DIR, s.template), 'utf8'))
    assert.equal(checkParameters(s, template.Parameters), [])
    try {
      // Sent as JSON: moto's YAML loader mishandles a short-form tag over a mapping (!ImportValue {...}).
      await cfn.send(
        new CreateStackCommand({
          StackName: s.stack,
          TemplateBody: JSON.stringify(template),
          Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      )
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: s.stack }))).Stacks?.[0]
      if (stack?.StackStatus !== 'CREATE_COMPLETE')
        failures.push(`${s.stack}: ${stack?.StackStatus} ${stack?.StackStatusReason ?? ''}`)
      else created.set(s.stack, stack)
      const listed = await cfn.send(new ListStackResourcesCommand({ StackName: s.stack }))
      const have = new Set((listed.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId))
      for (const [id, res] of Object.entries(template.Resources)) {
        if (!MOTO_SKIPS.has(res.Type) && !res.Condition && !have.has(id))
          failures.push(`${s.stack}: ${id} (${res.Type}) was not created`)
      }
      resources += have.size
    } catch (e) {
      failures.push(`${s.stack}: ${(e as Error).message}`)
    }
  }
  assert.equal(failures, [])
  assert.is(created.size, stacks.length)
  assert.ok(stacks.length >= 11)
  console.log(`moto: ${created.size} stacks, ${resources} resources created`)
})

const output = (stack: string, key: string) =>
  created.get(`drsignet-production-${stack}`)?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? ''

// moto applies only BucketEncryption and Tags from a bucket's properties; versioning, public access
// blocks, logging and lifecycle are proven by checkov and cfn-lint instead.
test('buckets exist with the right default encryption', async () => {
  if (!created.size) assert.unreachable('no stacks were created')
  const s3 = new S3Client({ ...config(), forcePathStyle: true })
  const kmsKey = output('data', 'KeyArn')
  for (const bucket of [
    'drsignet-production-backups',
    'drsignet-production-secrets',
    'drsignet-production-artifacts',
    'drsignet-production-logs',
  ]) {
    const sse = (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration
      ?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
    if (bucket.endsWith('-logs')) assert.is(sse?.SSEAlgorithm, 'AES256')
    else assert.equal([sse?.SSEAlgorithm, sse?.KMSMasterKeyID], ['aws:kms', kmsKey], bucket)
  }
})

// The CloudWatch SDK speaks a JSON protocol this moto does not; its Query API answers the same question.
async function cloudWatchQuery(body: string): Promise<string> {
  const res = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/ap-south-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  })
  return res.text()
}

test('the key rotates; topics are encrypted; dashboard, instance roles and the ALB exist', async () => {
  if (!created.size) assert.unreachable('no stacks were created')
  const kms = new KMSClient(config())
  assert.is(
    (await kms.send(new GetKeyRotationStatusCommand({ KeyId: output('data', 'KeyArn') }))).KeyRotationEnabled,
    true,
  )
  const sns = new SNSClient(config())
  for (const topic of ['deployments', 'operations']) {
    const attrs =
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: output(`topic-${topic}`, 'TopicArn') }))).Attributes ??
      {}
    assert.is(attrs.KmsMasterKeyId, output('data', 'KeyArn'), topic)
  }
  const dashboards = await cloudWatchQuery('Action=ListDashboards&Version=2010-08-01')
  assert.match(dashboards, '<DashboardName>drsignet-production</DashboardName>')
  assert.is(output('group-database', 'RoleName'), 'drsignet-production-database-instance')
  assert.is(output('group-api', 'AutoScalingGroupName'), 'drsignet-production-api')
  assert.match(output('load-balancer', 'LoadBalancerDnsName'), /^drsignet-production-/)
})

// The Auto Scaling and ELB Query APIs answer without SDK clients this repository does not otherwise need.
const query = async (service: string, body: string) =>
  (
    await fetch(`${moto.endpoint}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/ap-south-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body,
    })
  ).text()

test("each app group is registered in its apps' target groups and checks their health; the database group is not", async () => {
  if (!created.size) assert.unreachable('no stacks were created')
  const xml = await query('autoscaling', 'Action=DescribeAutoScalingGroups&Version=2011-01-01')
  const group = (name: string) => {
    const at = xml.indexOf(`<AutoScalingGroupName>drsignet-production-${name}</AutoScalingGroupName>`)
    assert.ok(at >= 0, `group ${name}`)
    const next = xml.indexOf('<AutoScalingGroupName>', at + 1)
    const own = xml.slice(at, next < 0 ? undefined : next)
    return {
      type: own.match(/<HealthCheckType>(\w+)<\/HealthCheckType>/)?.[1],
      grace: own.match(/<HealthCheckGracePeriod>(\d+)<\/HealthCheckGracePeriod>/)?.[1],
      targets: [
        ...(own.match(/<TargetGroupARNs>([\s\S]*?)<\/TargetGroupARNs>/)?.[1] ?? '').matchAll(
          /<member>([^<]+)<\/member>/g,
        ),
      ]
        .map((m) => m[1])
        .sort(),
      instances: [...own.matchAll(/<InstanceId>([^<]+)<\/InstanceId>/g)].map((m) => m[1]).sort(),
    }
  }
  const arn = (app: string) => output(`target-${app}`, 'TargetGroupArn')
  const api = group('api')
  assert.equal([api.type, api.grace, api.targets], ['ELB', '1800', [arn('doctor-api'), arn('patient-api')].sort()])
  assert.equal([group('portal').type, group('portal').targets], ['ELB', [arn('admin-portal')]])
  // (moto reports its own default grace, 300 s, for the 0 the database group is given.)
  assert.equal([group('database').type, group('database').targets], ['EC2', []])
  // The group put its instances in both target groups itself, before any deployment.
  for (const app of ['doctor-api', 'patient-api']) {
    const health = await query(
      'elasticloadbalancing',
      `Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=${encodeURIComponent(arn(app))}`,
    )
    assert.equal([...health.matchAll(/<Id>([^<]+)<\/Id>/g)].map((m) => m[1]).sort(), api.instances, app)
  }
  assert.is(api.instances.length, 2)
  assert.match(arn('patient-api'), /^arn:aws:elasticloadbalancing:ap-south-1:\d{12}:targetgroup\//)
  assert.is(output('target-patient-api', 'TargetGroupFullName'), arn('patient-api').split(':')[5])
})

test.run()
