// One stack per alarm: which template, which metric and dimension, and what it waits for (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BACKUP_METRIC } from '../../../scripts/lib/config/model.ts'
import { autoScalingGroupName } from '../../../scripts/lib/names.ts'
import { alarmStack, isTargetMetric } from '../../../scripts/lib/render/stacks/alarm.ts'
import { productionModel } from '../../fixtures/model.ts'

const { env } = productionModel()
const alarm = (name: string) => env.alarms.find((a) => a.name === name)!
const stackOf = (name: string) => alarmStack(env, alarm(name))

test("an app's alarm watches its target group through target-alarm.yaml", () => {
  const s = stackOf('patient-api-latency')
  assert.is(s.template, 'target-alarm.yaml')
  assert.is(s.parameters.AppName, 'patient-api')
  assert.is(s.parameters.MetricName, 'TargetResponseTime')
  assert.is(s.parameters.Threshold, '1.5')
  assert.equal(s.after, ['drsignet-production-topic-operations'])
  assert.ok(isTargetMetric('healthy-hosts') && !isTargetMetric('cpu') && !isTargetMetric('backup-age'))
})

test("an instance group's alarm watches its Auto Scaling group, and waits for that group's stack", () => {
  const s = stackOf('api-memory-high')
  assert.is(s.template, 'alarm.yaml')
  assert.equal(
    [s.parameters.Namespace, s.parameters.MetricName, s.parameters.DimensionName, s.parameters.DimensionValue],
    ['CWAgent', 'mem_used_percent', 'AutoScalingGroupName', autoScalingGroupName('production', 'api')],
  )
  assert.is(s.parameters.TreatMissingData, 'missing')
  assert.equal(s.after, ['drsignet-production-topic-operations', 'drsignet-production-group-api'])
})

test('backup-age: fewer than one success in the window alarms, and so does silence', () => {
  const s = stackOf('backup-stale')
  assert.equal(
    [s.parameters.Namespace, s.parameters.MetricName, s.parameters.DimensionValue],
    [BACKUP_METRIC.namespace, BACKUP_METRIC.name, 'production'],
  )
  assert.equal(
    [s.parameters.Statistic, s.parameters.ComparisonOperator, s.parameters.Threshold, s.parameters.TreatMissingData],
    ['Sum', 'LessThanThreshold', '1', 'breaching'],
  )
  assert.is(s.parameters.EvaluationPeriods, String(alarm('backup-stale').evaluationPeriods))
})

test.run()
