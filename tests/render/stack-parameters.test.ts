// Stack list and parameter checks: stackInstances over the fixture and both sample environments, checkParameters failures.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync } from 'node:fs'
import { stackInstances, type StackInstance } from '../../scripts/lib/render/stack-parameters.ts'
import { checkParameters } from '../../scripts/lib/render/stacks/check-parameters.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { Resolver } from '../cloudformation/resolve.ts'
import { productionModel } from '../fixtures/model.ts'
import { allTemplates } from '../cloudformation/templates.ts'

const templates = allTemplates()
const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze)
    Object.freeze(o)
  }
  return o
}
const byName = (stacks: StackInstance[], suffix: string) => {
  const s = stacks.find((x) => x.stack === `drsignet-production-${suffix}`)
  if (!s) throw new Error(`no stack ${suffix}`)
  return s
}
const problemsOf = (stacks: StackInstance[]) =>
  stacks.flatMap((s) => {
    const t = templates[s.template]
    return t ? checkParameters(s, t.Parameters) : [`${s.stack}: template ${s.template} does not exist`]
  })

test('every stack of the fixture environment, in deployment order', () => {
  assert.equal(
    stackInstances(productionModel()).map((s) => `${s.stack} ${s.template}`),
    [
      'drsignet-production-data data.yaml',
      'drsignet-production-network network.yaml',
      'drsignet-production-security security.yaml',
      'drsignet-production-vpn vpn.yaml',
      'drsignet-production-database database.yaml',
      'drsignet-production-target-admin-portal target-group.yaml',
      'drsignet-production-target-doctor-api target-group.yaml',
      'drsignet-production-target-patient-api target-group.yaml',
      'drsignet-production-group-api instance-group.yaml',
      'drsignet-production-group-database instance-group.yaml',
      'drsignet-production-group-portal instance-group.yaml',
      'drsignet-production-load-balancer load-balancer.yaml',
      'drsignet-production-deploy deploy.yaml',
      'drsignet-production-topic-deployments topic.yaml',
      'drsignet-production-topic-operations topic.yaml',
      'drsignet-production-monitoring monitoring.yaml',
      'drsignet-production-governance governance.yaml',
      'drsignet-production-repositories repositories.yaml',
      'drsignet-production-pipeline pipeline.yaml',
      'drsignet-production-backup-agent backup-agent.yaml',
      'drsignet-production-alarm-api-cpu-high alarm.yaml',
      'drsignet-production-alarm-api-memory-high alarm.yaml',
      'drsignet-production-alarm-database-disk-high alarm.yaml',
      'drsignet-production-alarm-patient-api-5xx target-alarm.yaml',
      'drsignet-production-alarm-doctor-api-5xx target-alarm.yaml',
      'drsignet-production-alarm-admin-portal-5xx target-alarm.yaml',
      'drsignet-production-alarm-patient-api-unhealthy target-alarm.yaml',
      'drsignet-production-alarm-patient-api-latency target-alarm.yaml',
      'drsignet-production-alarm-backup-stale alarm.yaml',
      'drsignet-production-app-admin-portal app.yaml',
      'drsignet-production-app-doctor-api app.yaml',
      'drsignet-production-app-patient-api app.yaml',
      'drsignet-production-release-admin-portal release.yaml',
      'drsignet-production-release-doctor-api release.yaml',
      'drsignet-production-release-patient-api release.yaml',
    ],
  )
})

test('the parameters match the templates they are rendered for', () => {
  assert.equal(problemsOf(stackInstances(productionModel())), [])
})

test('every stack that imports an export comes after the stack that exports it', () => {
  const stacks = stackInstances(productionModel())
  const exported = new Map<string, number>()
  stacks.forEach((s, i) => {
    for (const out of Object.values(templates[s.template].Outputs ?? {})) {
      const name = (out.Export?.Name as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub']
      if (name)
        exported.set(
          name.replace(/\$\{(\w+)\}/g, (_, p) => s.parameters[p] ?? `?${p}`),
          i,
        )
    }
  })
  const late: string[] = []
  let imports = 0
  stacks.forEach((s, i) => {
    // Resolved as CloudFormation does: an import in a branch Fn::If does not take (an empty slot) is never looked up.
    const importValue = (name: string) => {
      imports++
      const at = exported.get(name)
      if (at === undefined || at >= i) late.push(`${s.stack} imports ${name}`)
      return `import:${name}`
    }
    const r = new Resolver({
      template: templates[s.template],
      parameters: s.parameters,
      accountId: '111122223333',
      region: 'ap-south-1',
      stackName: s.stack,
      importValue,
    })
    r.resources()
    r.resolve(templates[s.template].Outputs ?? {})
  })
  assert.equal(late, [])
  assert.ok(imports > 100, `only ${imports} imports were resolved`)
})

test('the OpenVPN port opens to the peer range from the Model, and to nothing without one', () => {
  const model = productionModel()
  const security = (m: typeof model) => byName(stackInstances(m), 'security').parameters
  assert.is(security(model).VpnPeerCidr, '')
  const withPeer = { ...model, env: { ...model.env, network: { ...model.env.network, vpnPeerCidr: '203.0.113.0/24' } } }
  assert.is(security(withPeer).VpnPeerCidr, '203.0.113.0/24')
  assert.equal(problemsOf(stackInstances(withPeer)), [])
})

test('values come from the Model: app, instance group, alarm and topic parameters', () => {
  const stacks = stackInstances(productionModel())
  const patient = byName(stacks, 'app-patient-api')
  assert.equal(patient.tags, { Project: 'drsignet', Environment: 'production', App: 'patient-api' })
  assert.is(patient.parameters.ProxyPort, '8081')
  assert.is(patient.parameters.Hosts, 'patient-api.drsignet.com')
  assert.is(patient.parameters.PathPatterns, '/*')
  assert.is(patient.parameters.StopAlarm1, 'drsignet-production-patient-api-5xx')
  assert.is(patient.parameters.StopAlarm2, undefined)
  assert.is(patient.parameters.NotifyTopicArn1, 'arn:aws:sns:ap-south-1:111122223333:drsignet-production-deployments')
  assert.is(patient.parameters.RollbackEvents, 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_ALARM')
  assert.is(byName(stacks, 'target-admin-portal').parameters.HealthCheckMatcher, '200-299')
  assert.is(byName(stacks, 'target-patient-api').parameters.ProxyPort, '8081')
  // The app stack waits for the alarms on its target group, which its deployment group names.
  assert.equal(patient.after, [
    'drsignet-production-topic-deployments',
    'drsignet-production-alarm-patient-api-5xx',
    'drsignet-production-alarm-patient-api-unhealthy',
    'drsignet-production-alarm-patient-api-latency',
  ])
  const api = byName(stacks, 'group-api').parameters
  assert.equal(
    [api.TargetApp1, api.TargetApp2, api.TargetApp3, api.TargetApp4, api.TargetApp5, api.HealthCheckGracePeriod],
    ['doctor-api', 'patient-api', '', '', '', '1800'],
  )
  const db = byName(stacks, 'group-database')
  assert.equal(
    [db.parameters.Purpose, db.parameters.InstanceType, db.parameters.Count, db.parameters.BackupPrefix],
    ['database', 'r6g.large', '1', 'backups/production'],
  )
  assert.is(db.parameters.ImageId, '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64')
  assert.equal(db.tags, { Role: 'database', Project: 'drsignet', Environment: 'production', InstanceGroup: 'database' })
  assert.is(byName(stacks, 'group-api').parameters.Purpose, 'app')
  // The database group serves no app: EC2 status checks only, no grace.
  assert.equal([db.parameters.TargetApp1, db.parameters.HealthCheckGracePeriod], ['', '0'])
  assert.equal(byName(stacks, 'topic-deployments').parameters, {
    Project: 'drsignet',
    EnvName: 'production',
    TopicName: 'deployments',
    Email1: 'devops@drsignet.com',
    Email2: 'developers@drsignet.com',
  })
  assert.equal(byName(stacks, 'alarm-api-memory-high').parameters, {
    Project: 'drsignet',
    EnvName: 'production',
    AlarmName: 'api-memory-high',
    Statistic: 'Average',
    Threshold: '85',
    ComparisonOperator: 'GreaterThanThreshold',
    Period: '300',
    EvaluationPeriods: '2',
    AlarmTopicArns: 'arn:aws:sns:ap-south-1:111122223333:drsignet-production-operations',
    Namespace: 'CWAgent',
    MetricName: 'mem_used_percent',
    DimensionName: 'AutoScalingGroupName',
    DimensionValue: 'drsignet-production-api',
    TreatMissingData: 'missing',
  })
  assert.is(byName(stacks, 'alarm-backup-stale').parameters.TreatMissingData, 'breaching')
  assert.is(byName(stacks, 'alarm-patient-api-latency').parameters.MetricName, 'TargetResponseTime')
  assert.is(byName(stacks, 'data').parameters.BackupRetentionDays, '15')
  const net = byName(stacks, 'network').parameters
  assert.equal(
    [net.PublicSubnetACidr, net.PublicSubnetBCidr, net.PrivateSubnetACidr, net.PrivateSubnetBCidr],
    ['10.20.0.0/18', '10.20.64.0/18', '10.20.128.0/18', '10.20.192.0/18'],
  )
  assert.is(byName(stacks, 'governance').parameters.PatchSchedule, 'cron(0 2 ? 1/3 SUN#1 *)')
})

test('rule priorities put host rules before path-only rules', () => {
  const model = productionModel()
  model.apps[1] = { ...model.apps[1], hosts: [], paths: ['/doctor/'] }
  const stacks = stackInstances(model)
  assert.equal(
    ['admin-portal', 'doctor-api', 'patient-api'].map((a) => byName(stacks, `app-${a}`).parameters.RulePriority),
    ['10', '30', '20'],
  )
  assert.is(byName(stacks, 'app-doctor-api').parameters.Hosts, '')
  assert.equal(problemsOf(stacks), [])
})

test('pure: same input, same output, frozen input untouched', () => {
  const model = deepFreeze(productionModel())
  assert.equal(JSON.stringify(stackInstances(model)), JSON.stringify(stackInstances(productionModel())))
})

test('checkParameters reports missing, unknown and out-of-range values', () => {
  const stacks = stackInstances(productionModel())
  const app = byName(stacks, 'app-patient-api')
  const bad: StackInstance = {
    ...app,
    parameters: { ...app.parameters, ProxyPort: '70000', RollbackEvents: 'DEPLOYMENT_FAILURE,OOPS', Extra: 'x' },
  }
  delete bad.parameters.AppName
  assert.equal(checkParameters(bad, templates['app.yaml'].Parameters), [
    'drsignet-production-app-patient-api (app.yaml): parameter AppName is required',
    'drsignet-production-app-patient-api (app.yaml): ProxyPort 70000 is above MaxValue 65535',
    'drsignet-production-app-patient-api (app.yaml): RollbackEvents "OOPS" is not one of DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST',
    'drsignet-production-app-patient-api (app.yaml): parameter Extra is not declared by the template',
  ])
  const target = byName(stacks, 'target-patient-api')
  assert.equal(
    checkParameters(
      { ...target, parameters: { ...target.parameters, HealthCheckPath: 'healthz', HealthyThreshold: 'two' } },
      templates['target-group.yaml'].Parameters,
    ),
    [
      'drsignet-production-target-patient-api (target-group.yaml): HealthCheckPath "healthz" does not match ^/[A-Za-z0-9._~/-]*$',
      'drsignet-production-target-patient-api (target-group.yaml): HealthyThreshold "two" is not a number',
    ],
  )
  assert.equal(
    checkParameters({ ...app, parameters: { A: 'abc' } }, { A: { Type: 'String', MinLength: 4, MaxLength: 2 } }),
    [
      'drsignet-production-app-patient-api (app.yaml): A is shorter than MinLength 4',
      'drsignet-production-app-patient-api (app.yaml): A is longer than MaxLength 2',
    ],
  )
})

test('slot overflow is reported, not silently dropped', () => {
  const model: Model = productionModel()
  model.env.notifications = [{ name: 'many', emails: Array.from({ length: 9 }, (_, i) => `p${i}@example.com`) }]
  model.env.deployment.notify = ['many']
  model.env.alarms = model.env.alarms.map((a) => ({ ...a, notify: ['many'] }))
  const problems = problemsOf(stackInstances(model))
  assert.equal(problems, [
    'drsignet-production-topic-many (topic.yaml): parameter Email9 is not declared by the template',
  ])
})

const hasReader = existsSync(new URL('../../scripts/lib/config/read.ts', import.meta.url))
for (const env of ['production', 'staging']) {
  test(`stacks of environments/${env}.yaml match the templates`, async () => {
    if (!hasReader) return
    const { readModel } = await import('../../scripts/lib/config/read.ts')
    const stacks = stackInstances(readModel('.', env))
    assert.ok(stacks.length >= 20)
    assert.equal(problemsOf(stacks), [])
  })
}

test.run()
