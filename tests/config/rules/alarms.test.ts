// Alarm rules (rules/alarms.ts): unique names, the right scope per metric, capacity watched.
import { test } from 'uvu'
import { P, problemsWith, expectOnly } from '../variant.ts'

test('alarm-names-unique', () => {
  expectOnly(
    problemsWith({ file: P, from: '- name: api-memory-high', to: '- name: api-cpu-high' }),
    "environments/production.yaml:132:11: alarm name 'api-cpu-high' is used twice; alarm names must be unique",
  )
})

test('alarm-scope: the metric decides whether an app or an instance group is watched', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '    metric: target-5xx\n    app: patient-api',
      to: '    metric: target-5xx\n    instanceGroup: api',
    }),
    "environments/production.yaml:151:5: alarm 'patient-api-5xx': metric target-5xx needs 'app' (the target group to watch)",
  )
})

test('capacity-watched: every app has a healthy-hosts alarm that fires on too few', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '  - name: doctor-api-capacity\n    metric: healthy-hosts\n    app: doctor-api',
      to: '  - name: doctor-api-capacity\n    metric: unhealthy-hosts\n    app: doctor-api',
    }),
    "environments/production.yaml:63:3: app 'doctor-api' has no healthy-hosts alarm: add { name: doctor-api-capacity, metric: healthy-hosts, app: doctor-api, statistic: Maximum, threshold: 2, comparison: LessThanThreshold, period: 300, evaluationPeriods: 3 } under alarms, so lost capacity pages someone",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '    app: admin-portal\n    statistic: Maximum\n    threshold: 2\n    comparison: LessThanThreshold',
      to: '    app: admin-portal\n    statistic: Maximum\n    threshold: 2\n    comparison: GreaterThanThreshold',
    }),
    "environments/production.yaml:225:17: alarm 'admin-portal-capacity': healthy-hosts watches for too few healthy instances; use LessThanThreshold (or LessThanOrEqualToThreshold)",
  )
})

test.run()
