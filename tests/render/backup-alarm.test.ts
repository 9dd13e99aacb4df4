// The backup-age alarm watches the very metric the backup job publishes, over the configured age.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BACKUP_METRIC } from '../../scripts/lib/config/model.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { HEARTBEAT_METRIC, HEARTBEAT_NAMESPACE } from '../../scripts/lib/aws/backup-heartbeat.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import { backupAgePeriods } from '../../scripts/lib/config/model.ts'
import { P, problemsWith } from '../config/variant.ts'

test('the alarm and the heartbeat agree on namespace, metric and dimension', () => {
  const p = stackInstances(readModel('.', 'production')).find(
    (s) => s.stack === 'drsignet-production-alarm-backup-stale',
  )!.parameters
  assert.equal(
    [p.Namespace, p.MetricName, p.DimensionName, p.DimensionValue],
    [HEARTBEAT_NAMESPACE, HEARTBEAT_METRIC, BACKUP_METRIC.dimension, 'production'],
  )
  // 90000 s at 3600 s per period: 25 consecutive hours without one good backup.
  assert.equal(
    [p.Statistic, p.ComparisonOperator, p.Threshold, p.Period, p.EvaluationPeriods, p.TreatMissingData],
    ['Sum', 'LessThanThreshold', '1', '3600', '25', 'breaching'],
  )
})

test('periods cover at least the threshold', () => {
  assert.is(backupAgePeriods({ threshold: 90000, period: 3600 }), 25)
  assert.is(backupAgePeriods({ threshold: 90001, period: 3600 }), 26)
  assert.is(backupAgePeriods({ threshold: 10, period: 3600 }), 1)
})

test('validation refuses an age CloudWatch cannot evaluate in 100 periods', () => {
  assert.equal(
    problemsWith({
      file: P,
      from: '    period: 3600\n    notify: [operations]\n  # Capacity',
      to: '    period: 600\n    notify: [operations]\n  # Capacity',
    }),
    [
      "environments/production.yaml:198:13: alarm 'backup-stale' would need 150 periods of 600 s to cover 90000 s; CloudWatch evaluates at most 100, so use a period of at least 900 s",
    ],
  )
})

test('a backup-age alarm takes no statistic, comparison or evaluationPeriods: render would not honour them', () => {
  for (const [key, value] of [
    ['statistic', 'Maximum'],
    ['comparison', 'GreaterThanThreshold'],
    ['evaluationPeriods', '3'],
  ]) {
    assert.equal(
      problemsWith({ file: P, from: '    metric: backup-age\n', to: `    metric: backup-age\n    ${key}: ${value}\n` }),
      [
        `environments/production.yaml:197:5: '${key}' does not apply in /alarms/8, whose other keys decide it; remove it`,
      ],
    )
  }
})

test.run()
