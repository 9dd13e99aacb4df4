// The names code uses to find or call a resource (scripts/lib/names.ts) are the names the templates give it, as each
// stack's template resolves with its rendered parameters (reads templates only).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../scripts/lib/config/read.ts'
import {
  alarmName,
  appLogGroup,
  autoScalingGroupName,
  backupLogGroup,
  codeDeployApplication,
  dataVolumeName,
  databaseAddressName,
  nginxLogGroup,
  topicName,
} from '../scripts/lib/names.ts'
import { stackResources } from './cloudformation/stack-resources.ts'

for (const envName of ['staging', 'production']) {
  const model = readModel('.', envName)
  const env = model.env.name
  const resources = stackResources(model)
  const values = (type: string, pick: (p: Record<string, any>) => unknown, template?: string) =>
    resources
      .filter((r) => r.Type === type && (!template || r.template === template))
      .map((r) => pick(r.Properties))
      .filter((v) => v !== undefined)
      .sort()
  const nameTag = (p: Record<string, any>) => p.Tags?.find((t: { Key: string }) => t.Key === 'Name')?.Value
  const sorted = (xs: string[]) => [...xs].sort()

  test(`${env}: Auto Scaling groups, alarms, topics and the CodeDeploy application have the names code looks up`, () => {
    assert.equal(
      values('AWS::AutoScaling::AutoScalingGroup', (p) => p.AutoScalingGroupName),
      sorted(model.env.instanceGroups.map((g) => autoScalingGroupName(env, g.name))),
    )
    assert.equal(
      values('AWS::CloudWatch::Alarm', (p) => p.AlarmName),
      sorted(model.env.alarms.map((a) => alarmName(env, a.name))),
    )
    assert.equal(
      // topic.yaml's: the YAML's notification topics (governance.yaml keeps one of its own for CloudTrail).
      values('AWS::SNS::Topic', (p) => p.TopicName, 'topic.yaml'),
      sorted(model.env.notifications.map((n) => topicName(env, n.name))),
    )
    assert.equal(
      values('AWS::CodeDeploy::Application', (p) => p.ApplicationName),
      [codeDeployApplication(env)],
    )
  })

  test(`${env}: log groups, and the database's volume and address tags, are the ones code writes to and finds`, () => {
    const logGroups = values('AWS::Logs::LogGroup', (p) => p.LogGroupName) as string[]
    for (const name of [...model.apps.map((a) => appLogGroup(env, a.name)), nginxLogGroup(env), backupLogGroup(env)])
      assert.ok(logGroups.includes(name), `${name} is not a log group the stacks create`)
    assert.equal(values('AWS::EC2::Volume', nameTag), [dataVolumeName(env)])
    assert.equal(values('AWS::EC2::NetworkInterface', nameTag), [databaseAddressName(env)])
  })
}

test.run()
