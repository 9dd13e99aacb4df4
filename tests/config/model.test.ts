// What the Model derives rather than reads: the backup-age alarm's shape and the backup unit's time limit (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { backupAgePeriods, backupAgeShape, backupTimeoutMinutes } from '../../scripts/lib/config/model.ts'

test('backup age: alarm when no success in any period of the threshold, rounded up, at least one period', () => {
  assert.is(backupAgePeriods({ threshold: 90_000, period: 3600 }), 25)
  assert.is(backupAgePeriods({ threshold: 86_400, period: 3600 }), 24)
  assert.is(backupAgePeriods({ threshold: 60, period: 3600 }), 1)
  assert.equal(backupAgeShape({ threshold: 7200, period: 3600 }), {
    statistic: 'Sum',
    comparison: 'LessThanThreshold',
    evaluationPeriods: 2,
  })
})

test('a backup is stopped at twice its usual length, or 30 minutes over it when that is longer', () => {
  assert.is(backupTimeoutMinutes({ expectedMinutes: 20 }), 50)
  assert.is(backupTimeoutMinutes({ expectedMinutes: 30 }), 60)
  assert.is(backupTimeoutMinutes({ expectedMinutes: 90 }), 180)
})

test.run()
