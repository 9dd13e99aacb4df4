// One stack per alarm: on an app's target group, an instance group's instances, or the environment's backups (pure).
import { BACKUP_METRIC, type Alarm, type AlarmMetric, type Environment } from '../../config/model.ts'
import { autoScalingGroupName, stackName } from '../../names.ts'
import { base, baseTags, topicArn, topicStacks, type StackInstance } from './common.ts'

const TARGET_METRICS: Partial<Record<AlarmMetric, string>> = {
  'target-5xx': 'HTTPCode_Target_5XX_Count',
  'unhealthy-hosts': 'UnHealthyHostCount',
  'healthy-hosts': 'HealthyHostCount',
  'response-time': 'TargetResponseTime',
}
const GROUP_METRICS: Partial<Record<AlarmMetric, [string, string]>> = {
  cpu: ['AWS/EC2', 'CPUUtilization'],
  memory: ['CWAgent', 'mem_used_percent'],
  disk: ['CWAgent', 'disk_used_percent'],
}

/** The alarm watches an app's target group (target-alarm.yaml). */
export const isTargetMetric = (metric: AlarmMetric) => TARGET_METRICS[metric] !== undefined

export function alarmStack(env: Environment, alarm: Alarm): StackInstance {
  const common = {
    ...base(env),
    AlarmName: alarm.name,
    Statistic: alarm.statistic,
    Threshold: String(alarm.threshold),
    ComparisonOperator: alarm.comparison,
    Period: String(alarm.period),
    EvaluationPeriods: String(alarm.evaluationPeriods),
    AlarmTopicArns: alarm.notify.map((t) => topicArn(env, t)).join(','),
  }
  const stack = stackName(env.name, `alarm-${alarm.name}`)
  const tags = baseTags(env)
  const target = TARGET_METRICS[alarm.metric]
  const after = topicStacks(env, alarm.notify)
  if (target)
    return {
      stack,
      tags,
      template: 'target-alarm.yaml',
      parameters: { ...common, AppName: alarm.app ?? '', MetricName: target },
      after,
    }
  const group = GROUP_METRICS[alarm.metric]
  if (group) {
    return {
      stack,
      tags,
      template: 'alarm.yaml',
      after: [...after, stackName(env.name, `group-${alarm.instanceGroup}`)],
      parameters: {
        ...common,
        Namespace: group[0],
        MetricName: group[1],
        DimensionName: 'AutoScalingGroupName',
        DimensionValue: autoScalingGroupName(env.name, alarm.instanceGroup ?? ''),
        TreatMissingData: 'missing',
      },
    }
  }
  // backup-age (the model gives its Sum, LessThanThreshold and periods, see backupAgeShape): fewer than one success,
  // with silence breaching, so a job that stopped running alarms too. The YAML's threshold is the age in seconds.
  return {
    stack,
    tags,
    template: 'alarm.yaml',
    after,
    parameters: {
      ...common,
      Namespace: BACKUP_METRIC.namespace,
      MetricName: BACKUP_METRIC.name,
      DimensionName: BACKUP_METRIC.dimension,
      DimensionValue: env.name,
      TreatMissingData: 'breaching',
      Threshold: '1',
    },
  }
}
