// An app's stacks: listener rule order, path patterns, and which alarms stop its deployments (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appStack, pathPatterns, rulePriorities } from '../../../scripts/lib/render/stacks/app.ts'
import { fixtureApp, productionModel } from '../../fixtures/model.ts'

test('rule priorities: host rules before host-less ones, longer paths first, then by name; 10 apart', () => {
  const apps = [
    fixtureApp({ name: 'catch-all', hosts: [], paths: ['/'] }),
    fixtureApp({ name: 'api-v2', hosts: [], paths: ['/api/v2/'] }),
    fixtureApp({ name: 'zeta', hosts: ['z.example.com'], paths: ['/'] }),
    fixtureApp({ name: 'alpha', hosts: ['a.example.com'], paths: ['/'] }),
  ]
  assert.equal(
    [...rulePriorities(apps)],
    [
      ['alpha', 10],
      ['zeta', 20],
      ['api-v2', 30],
      ['catch-all', 40],
    ],
  )
})

test('path prefixes become ALB patterns', () => {
  assert.equal(pathPatterns(['/', '/api/']), ['/*', '/api/*'])
})

test("only alarms on the app's target group or its instances stop its deployments, in stopOnAlarms order", () => {
  const { env, apps } = productionModel()
  const patient = apps.find((a) => a.name === 'patient-api')!
  const withCpu = {
    ...env,
    deployment: { ...env.deployment, stopOnAlarms: ['api-cpu-high', ...env.deployment.stopOnAlarms] },
  }
  const stack = appStack(withCpu, patient, 30)
  assert.equal(
    Object.entries(stack.parameters).filter(([k, v]) => k.startsWith('StopAlarm') && v),
    [
      ['StopAlarm1', 'drsignet-production-api-cpu-high'],
      ['StopAlarm2', 'drsignet-production-patient-api-5xx'],
    ],
  )
  assert.is(stack.parameters.RulePriority, '30')
  // It waits for its topics and for the alarms on its target group (patient-api-latency, -unhealthy, -5xx).
  assert.equal(stack.after, [
    'drsignet-production-topic-deployments',
    'drsignet-production-alarm-patient-api-5xx',
    'drsignet-production-alarm-patient-api-unhealthy',
    'drsignet-production-alarm-patient-api-latency',
  ])
})

test.run()
