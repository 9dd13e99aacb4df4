// Backup rules (rules/backup.ts): schedule, RPO, duration, zone, retention and alarm, with the exact messages.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { longestGapHours } from '../../../scripts/lib/config/rules/backup.ts'
import { backupTimeoutMinutes } from '../../../scripts/lib/config/model.ts'
import { P, problemsWith, expectOnly } from '../variant.ts'

test('backup-cron: a valid cron expression', () => {
  expectOnly(
    problemsWith({ file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "61 0 * * *"' }),
    "environments/production.yaml:93:13: backup schedule '61 0 * * *' is not a valid cron expression: Invalid value for minute: 61",
  )
  expectOnly(
    problemsWith({ file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 0 30 2 *"' }),
    "environments/production.yaml:93:13: backup schedule '0 0 30 2 *' is not a valid cron expression: it never runs",
  )
})

test('backup-rpo: the schedule runs at least once per RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 0 * * 0"' }),
    "environments/production.yaml:93:13: backup schedule '0 0 * * 0' leaves up to 168 h between backups, more than the RPO of 24 h; run it more often",
  )
  assert.is(longestGapHours('0 0 * * *', 'Asia/Kolkata'), 24)
  assert.is(longestGapHours('0 */6 * * *', 'UTC'), 6)
  // "Day 1 and 15" leaves 17 days after the 15th of a 31-day month.
  assert.is(longestGapHours('0 0 1,15 * *', 'UTC'), 17 * 24)
  // A leap day comes every four years; a schedule on it must not pass for running once, or never, in the year scanned.
  assert.is(longestGapHours('0 0 29 2 *', 'UTC'), (366 + 3 * 365) * 24)
  // Where clocks change, a night is 23 or 25 hours long.
  assert.is(longestGapHours('30 1 * * *', 'Europe/London'), 25)
})

test('backup-duration: a stuck backup is stopped before the next run and within the RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 800' }),
    'environments/production.yaml:98:20: a backup expected to take 800 min may run for 1600 min before its unit stops it, more than the 1440 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 200' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 */6 * * *"' },
    ),
    'environments/production.yaml:98:20: a backup expected to take 200 min may run for 400 min before its unit stops it, more than the 360 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  // Runs at 02:00 and 04:00: the longest gap is 22 h, but the 04:00 run is due 120 min after the 02:00 one.
  expectOnly(
    problemsWith(
      { file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 90' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 2,4 * * *"' },
    ),
    'environments/production.yaml:98:20: a backup expected to take 90 min may run for 180 min before its unit stops it, more than the 120 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  assert.is(backupTimeoutMinutes({ expectedMinutes: 20 }), 50)
  assert.is(backupTimeoutMinutes({ expectedMinutes: 45 }), 90)
})

test('backup-timezone: an IANA zone that exists', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: 'timezone: Asia/Kolkata\n  retentionDays',
      to: 'timezone: Asia/Kolkatta\n  retentionDays',
    }),
    "environments/production.yaml:94:13: unknown time zone 'Asia/Kolkatta'; use an IANA name like Asia/Kolkata",
  )
})

test('retention: at least one day (schema) and covering the RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'retentionDays: 15', to: 'retentionDays: 0' }),
    'environments/production.yaml:95:18: /backup/retentionDays is 0; must be >= 1',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'retentionDays: 15', to: 'retentionDays: 1' },
      { file: P, from: 'rpoHours: 24', to: 'rpoHours: 48' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 0 */2 * *"' },
      { file: P, from: 'threshold: 90000', to: 'threshold: 172800' },
    ),
    'environments/production.yaml:95:18: retention of 1 days is shorter than the RPO of 48 h; no backup would be kept long enough',
  )
})

test('backup-alarm: an alarm on backup age exists and fires within RPO + RTO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'threshold: 90000', to: 'threshold: 200000' }),
    "environments/production.yaml:197:16: alarm 'backup-stale' fires only after 200000 s; a backup-age alarm must fire within RPO + RTO (93600 s)",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: 'metric: backup-age',
      to: 'metric: cpu\n    instanceGroup: database\n    statistic: Average\n    comparison: GreaterThanThreshold\n    evaluationPeriods: 1',
    }),
    'environments/production.yaml:122:1: no alarm watches metric backup-age; add one so a stale backup pages someone before the RPO is lost',
  )
})

test.run()
