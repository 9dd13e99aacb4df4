// Turns one environment's Model into the CloudFormation stacks to deploy (template, parameters, tags),
// in deployment order, and checks parameters against a template's declarations; pure, no I/O.
import { quarterCidrs } from '../config/subnets.ts'
import { alarmName, autoScalingGroupName, PROJECT, stackName, topicName } from '../names.ts'
import {
  BACKUP_METRIC,
  DELIVERY_METRIC,
  MAX_APPS_PER_GROUP,
  snapshotsKept,
  type Alarm,
  type AlarmMetric,
  type App,
  type Environment,
  type InstanceGroup,
  type Model,
} from '../config/model.ts'
import { compareText } from '../order.ts'

/**
 * `after`: stacks this one needs although it imports nothing from them: it is given their resources by name (a topic's
 * ARN for CodeDeploy triggers and alarm actions). Imports are found in the templates (apply/stack-graph.ts).
 */
export type StackInstance = {
  stack: string
  template: string
  parameters: Record<string, string>
  tags: Record<string, string>
  after?: string[]
}

export type TemplateParameter = {
  Type: string
  Default?: unknown
  AllowedValues?: unknown[]
  AllowedPattern?: string
  MinValue?: number
  MaxValue?: number
  MinLength?: number
  MaxLength?: number
}

// The Model has no project name; every bucket, alias and stack of the sample environments uses this one.

// Fixed slots in the templates (CloudFormation cannot loop without a transform).
export const SLOTS = { emails: 8, stopAlarms: 5, notifyTopics: 3, groupApps: MAX_APPS_PER_GROUP } as const

/**
 * Seconds an app instance is in service before a failed load balancer health check replaces it. A launch deployment
 * (CodeDeploy's hook) has already waited for the instance's targets to be healthy, so this only has to cover an
 * environment's first creation: its instances are in service, and registered, before the app stacks and the first
 * deployment exist (about 15 min on AWS, apply's latency model); twice that keeps them from being replaced meanwhile.
 */
export const APP_HEALTH_GRACE_S = 1800

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]

/** CloudWatch Logs accepts only some retention periods; keep logs at least as long as asked. */
export const logRetention = (days: number): string =>
  String(LOG_RETENTION_DAYS.find((d) => d >= days) ?? LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1])

const partitionOf = (region: string) =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'
export const topicArn = (env: Environment, topic: string) =>
  `arn:${partitionOf(env.region)}:sns:${env.region}:${env.account}:${topicName(env.name, topic)}`
export const backupMetricNamespace = () => BACKUP_METRIC.namespace
/** Where the database instance may write backups: the configured prefix, then the environment. */
export const backupKeyPrefix = (env: Environment) => `${env.backup.prefix}/${env.name}`

// Graviton families carry a "g" after the generation digit (t4g, r6g, m7gd, c6gn).
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  const suffix = instanceType.match(/^[a-z]+\d+([a-z-]*)\./)?.[1] ?? ''
  return suffix.includes('g') ? 'arm64' : 'x86_64'
}
const imageParameter = (instanceType: string) =>
  `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`

const base = (env: Environment) => ({ Project: PROJECT, EnvName: env.name })
const baseTags = (env: Environment): Record<string, string> => ({ Project: PROJECT, Environment: env.name })

/** Fills numbered slots Name1..NameN; overflow is kept so checkParameters reports it as unknown. */
function slots(name: string, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v, i) => [`${name}${i + 1}`, v]))
}

/** MM HH ? <months> DOW#week * in the window's own time zone. */
export function patchSchedule(patching: Environment['patching']): string {
  const [hh, mm] = patching.time.split(':').map(Number)
  const months = patching.frequency === 'quarterly' ? '1/3' : '*'
  return `cron(${mm} ${hh} ? ${months} ${patching.weekday}#${patching.week} *)`
}

/** ALB path patterns from app path prefixes: "/" is everything, "/api/" is "/api/*". */
export const pathPatterns = (paths: string[]) => paths.map((p) => `${p}*`)

// More specific rules must win: host rules before host-less ones, longer paths first, then by name.
function rulePriorities(apps: App[]): Map<string, number> {
  const specificity = (a: App) => [a.hosts.length ? 0 : 1, -Math.max(0, ...a.paths.map((p) => p.length))]
  const sorted = [...apps].sort((a, b) => {
    const [x, y] = [specificity(a), specificity(b)]
    return x[0] - y[0] || x[1] - y[1] || compareText(a.name, b.name)
  })
  return new Map(sorted.map((a, i) => [a.name, (i + 1) * 10]))
}

function dataStack(env: Environment): StackInstance {
  return {
    stack: stackName(env.name, 'data'),
    template: 'data.yaml',
    tags: baseTags(env),
    parameters: {
      ...base(env),
      KeyAlias: env.kms.keyAlias,
      BackupBucketName: env.backup.bucket,
      SecretsBucketName: env.secrets.bucket,
      ArtifactsBucketName: env.buckets.artifacts,
      LogsBucketName: env.buckets.logs,
      BackupRetentionDays: String(env.backup.retentionDays),
      LogRetentionDays: String(env.audit.logRetentionDays),
    },
  }
}

function networkStack(env: Environment): StackInstance {
  const [publicA, publicB, privateA, privateB] = quarterCidrs(env.network.vpcCidr)
  return {
    stack: stackName(env.name, 'network'),
    template: 'network.yaml',
    tags: baseTags(env),
    parameters: {
      ...base(env),
      VpcCidr: env.network.vpcCidr,
      PublicSubnetACidr: publicA,
      PublicSubnetBCidr: publicB,
      PrivateSubnetACidr: privateA,
      PrivateSubnetBCidr: privateB,
      FlowLogRetentionDays: logRetention(env.audit.logRetentionDays),
    },
  }
}

function instanceGroupStack(env: Environment, group: InstanceGroup, apps: App[]): StackInstance {
  const isDatabase = group.name === env.backup.instanceGroup
  const served = apps.filter((a) => a.instanceGroup === group.name).map((a) => a.name)
  return {
    stack: stackName(env.name, `group-${group.name}`),
    template: 'instance-group.yaml',
    // Stack tags reach the instances: CloudFormation propagates them to the Auto Scaling group.
    tags: { ...group.tags, ...baseTags(env), InstanceGroup: group.name },
    parameters: {
      ...base(env),
      GroupName: group.name,
      Purpose: isDatabase ? 'database' : 'app',
      // An EBS volume attaches only in its own zone: the database group launches where its data volume is.
      Zone: isDatabase ? env.database.zone : 'any',
      InstanceType: group.instanceType,
      ImageId: imageParameter(group.instanceType),
      VolumeSize: String(group.volumeSize),
      Count: String(group.count),
      MinSize: String(group.scaling?.min ?? group.count),
      MaxSize: String(group.scaling?.max ?? group.count),
      TargetCpu: String(group.scaling?.targetCpu ?? 0), // 0: no scaling policy, a fixed size
      SshPort: String(env.network.sshPort),
      MongoPort: String(env.network.mongoPort),
      ArtifactsBucketName: env.buckets.artifacts,
      BackupBucketName: env.backup.bucket,
      BackupPrefix: backupKeyPrefix(env),
      // Every slot is given, empty ones too, so the stack graph can work out each import's name (apply/stack-graph.ts).
      ...slots('TargetApp', [...served, ...Array<string>(Math.max(0, SLOTS.groupApps - served.length)).fill('')]),
      HealthCheckGracePeriod: String(served.length ? APP_HEALTH_GRACE_S : 0),
    },
  }
}

/** An app's target group, before the instance groups, which register their instances in it. */
function targetGroupStack(env: Environment, app: App): StackInstance {
  const hc = app.healthCheck
  return {
    stack: stackName(env.name, `target-${app.name}`),
    template: 'target-group.yaml',
    tags: { ...baseTags(env), App: app.name },
    parameters: {
      ...base(env),
      AppName: app.name,
      ProxyPort: String(app.proxyPort),
      HealthCheckPath: hc.path,
      HealthCheckInterval: String(hc.interval),
      HealthCheckTimeout: String(hc.timeout),
      HealthyThreshold: String(hc.healthyThreshold),
      UnhealthyThreshold: String(hc.unhealthyThreshold),
      HealthCheckMatcher: hc.matcher,
    },
  }
}

function databaseStack(env: Environment): StackInstance {
  const { address, zone, dataVolume, snapshots } = env.database
  return {
    stack: stackName(env.name, 'database'),
    template: 'database.yaml',
    tags: baseTags(env),
    parameters: {
      ...base(env),
      InstanceGroup: env.backup.instanceGroup,
      Zone: zone,
      Address: address,
      VolumeSize: String(dataVolume.size),
      VolumeIops: String(dataVolume.iops ?? 3000),
      VolumeThroughput: String(dataVolume.throughput ?? 125),
      VolumeSnapshotId: dataVolume.fromSnapshot ?? '',
      SnapshotEveryHours: String(snapshots.everyHours),
      SnapshotsKept: String(snapshotsKept(snapshots)),
    },
  }
}

function appStack(env: Environment, app: App, priority: number): StackInstance {
  const alarmsByName = new Map(env.alarms.map((a) => [a.name, a]))
  // Only alarms about this app or its instances stop its deployments.
  const stopAlarms = env.deployment.stopOnAlarms
    .map((name) => alarmsByName.get(name))
    .filter((a): a is Alarm => !!a && (a.app === app.name || (!a.app && a.instanceGroup === app.instanceGroup)))
    .map((a) => alarmName(env.name, a.name))
  // The alarms on its target group come first: the deployment group names some of them, and an environment made before
  // target-group.yaml existed has them import from this stack, which can drop that export only once they let go.
  const targetAlarms = env.alarms
    .filter((a) => a.app === app.name && TARGET_METRICS[a.metric])
    .map((a) => stackName(env.name, `alarm-${a.name}`))
  return {
    stack: stackName(env.name, `app-${app.name}`),
    template: 'app.yaml',
    tags: { ...baseTags(env), App: app.name },
    parameters: {
      ...base(env),
      AppName: app.name,
      InstanceGroup: app.instanceGroup,
      ProxyPort: String(app.proxyPort),
      Hosts: app.hosts.join(','),
      PathPatterns: pathPatterns(app.paths).join(','),
      AllowFrom: (app.allowFrom ?? []).join(','),
      RulePriority: String(priority),
      SecretsBucketName: env.secrets.bucket,
      SecretsPrefix: env.secrets.prefix,
      LogRetentionDays: logRetention(app.logs.retentionDays),
      DeploymentConfig: env.deployment.config,
      RollbackEvents: env.deployment.autoRollbackEvents.join(','),
      ...slots('StopAlarm', stopAlarms),
      ...slots(
        'NotifyTopicArn',
        env.deployment.notify.map((t) => topicArn(env, t)),
      ),
    },
    after: [...topicStacks(env, env.deployment.notify), ...targetAlarms],
  }
}

/** The project that publishes one app's releases from its repository's release branch. */
const releaseStack = (env: Environment, app: App): StackInstance => ({
  stack: stackName(env.name, `release-${app.name}`),
  template: 'release.yaml',
  tags: { ...baseTags(env), App: app.name },
  parameters: {
    ...base(env),
    AppName: app.name,
    SourceRepository: app.source.repository,
    ReleaseBranch: app.source.branch,
    OpsRepository: env.repository,
    OpsBranch: env.branch,
    ArtifactsBucketName: env.buckets.artifacts,
    LogRetentionDays: logRetention(env.audit.logRetentionDays),
  },
})

/** The stacks that make these topics. */
const topicStacks = (env: Environment, topics: string[]) => topics.map((t) => stackName(env.name, `topic-${t}`))

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

export { backupAgePeriods } from '../config/model.ts'
export { quarterCidrs } from '../config/subnets.ts'

function alarmStack(env: Environment, alarm: Alarm): StackInstance {
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

/** Every stack of one environment, in an order that deploys one at a time (apply/stack-graph.ts finds what may run side by side). */
export function stackInstances(model: Model): StackInstance[] {
  const { env, apps } = model
  const tags = baseTags(env)
  const simple = (suffix: string, template: string, parameters: Record<string, string>): StackInstance => ({
    stack: stackName(env.name, suffix),
    template,
    tags,
    parameters: { ...base(env), ...parameters },
  })
  const priorities = rulePriorities(apps)
  return [
    dataStack(env),
    networkStack(env),
    simple('security', 'security.yaml', {
      SshPort: String(env.network.sshPort),
      MongoPort: String(env.network.mongoPort),
      VpnPeerCidr: env.network.vpnPeerCidr ?? '', // empty: the template opens nothing
    }),
    simple('vpn', 'vpn.yaml', { VpnClientCidr: env.network.vpnClientCidr }),
    databaseStack(env),
    ...apps.map((a) => targetGroupStack(env, a)),
    ...env.instanceGroups.map((g) => instanceGroupStack(env, g, apps)),
    simple('load-balancer', 'load-balancer.yaml', {
      CertificateArn: env.loadBalancer.certificateArn,
      SslPolicy: env.loadBalancer.sslPolicy,
      IdleTimeout: String(env.loadBalancer.idleTimeout),
      DeletionProtection: String(env.loadBalancer.deletionProtection),
      WafRateLimit: String(env.loadBalancer.wafRateLimit ?? 2000),
      // The admin portal's hosts (single-page apps): the APIs serve mobile users behind carrier NAT, many per address.
      RateLimitedHostPatterns: apps
        .filter((a) => a.kind === 'spa')
        .flatMap((a) => a.hosts)
        .map((h) => `^${h.replaceAll('.', '\\.')}$`)
        .join(','),
      LogsBucketName: env.buckets.logs,
      LogRetentionDays: logRetention(env.audit.logRetentionDays),
    }),
    simple('deploy', 'deploy.yaml', {}),
    ...env.notifications.map((n) =>
      simple(`topic-${n.name}`, 'topic.yaml', { TopicName: n.name, ...slots('Email', n.emails) }),
    ),
    simple('monitoring', 'monitoring.yaml', {
      LogRetentionDays: logRetention(env.audit.logRetentionDays),
      BackupMetricNamespace: backupMetricNamespace(),
      DeliveryMetricNamespace: DELIVERY_METRIC.namespace,
    }),
    simple('governance', 'governance.yaml', {
      EnableCloudTrail: String(env.audit.cloudTrail),
      EnableConfig: String(env.audit.config),
      LogRetentionDays: logRetention(env.audit.logRetentionDays),
      PatchSchedule: patchSchedule(env.patching),
      PatchTimezone: env.patching.timezone,
      PatchOperation: env.patching.operation,
      RebootOption: env.patching.rebootOption,
      ApproveAfterDays: String(env.patching.approveAfterDays),
    }),
    simple('repositories', 'repositories.yaml', {
      RepositoryName: env.repository,
      ArtifactsBucketName: env.buckets.artifacts,
    }),
    simple('pipeline', 'pipeline.yaml', {
      Branch: env.branch,
      ArtifactsBucketName: env.buckets.artifacts,
      LogRetentionDays: logRetention(env.audit.logRetentionDays),
      DeliveryMetricNamespace: DELIVERY_METRIC.namespace,
    }),
    {
      ...simple('backup-agent', 'backup-agent.yaml', {
        InstanceGroup: env.backup.instanceGroup,
        ArtifactsBucketName: env.buckets.artifacts,
        SecretsBucketName: env.secrets.bucket,
        SecretsPrefix: env.secrets.prefix,
        DeploymentConfig: env.deployment.config,
        RollbackEvents: env.deployment.autoRollbackEvents.join(','),
        ...slots(
          'NotifyTopicArn',
          env.deployment.notify.map((t) => topicArn(env, t)),
        ),
      }),
      after: topicStacks(env, env.deployment.notify),
    },
    ...env.alarms.map((a) => alarmStack(env, a)),
    ...apps.map((a) => appStack(env, a, priorities.get(a.name) ?? 0)),
    ...apps.map((a) => releaseStack(env, a)),
  ]
}

const isList = (type: string) => type === 'CommaDelimitedList' || type.startsWith('List<')

function valueProblems(name: string, decl: TemplateParameter, value: string): string[] {
  const problems: string[] = []
  const items = isList(decl.Type) ? value.split(',') : [value]
  for (const item of items) {
    if (decl.AllowedValues && !decl.AllowedValues.map(String).includes(item)) {
      problems.push(`${name} "${item}" is not one of ${decl.AllowedValues.map(String).join(', ')}`)
    }
    // CloudFormation matches the whole value against AllowedPattern.
    if (decl.AllowedPattern !== undefined && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(item)) {
      problems.push(`${name} "${item}" does not match ${decl.AllowedPattern}`)
    }
  }
  if (decl.Type === 'Number') {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n)) problems.push(`${name} "${value}" is not a number`)
    else {
      if (decl.MinValue !== undefined && n < decl.MinValue)
        problems.push(`${name} ${value} is below MinValue ${decl.MinValue}`)
      if (decl.MaxValue !== undefined && n > decl.MaxValue)
        problems.push(`${name} ${value} is above MaxValue ${decl.MaxValue}`)
    }
  }
  if (decl.MinLength !== undefined && value.length < decl.MinLength)
    problems.push(`${name} is shorter than MinLength ${decl.MinLength}`)
  if (decl.MaxLength !== undefined && value.length > decl.MaxLength)
    problems.push(`${name} is longer than MaxLength ${decl.MaxLength}`)
  return problems
}

/** Problems with one stack's parameters against its template's declarations; empty when fine. */
export function checkParameters(stack: StackInstance, declared: Record<string, TemplateParameter>): string[] {
  const at = `${stack.stack} (${stack.template})`
  const problems: string[] = []
  for (const [name, decl] of Object.entries(declared)) {
    if (!(name in stack.parameters) && decl.Default === undefined) problems.push(`${at}: parameter ${name} is required`)
  }
  for (const [name, value] of Object.entries(stack.parameters)) {
    const decl = declared[name]
    if (!decl) problems.push(`${at}: parameter ${name} is not declared by the template`)
    else problems.push(...valueProblems(name, decl, value).map((p) => `${at}: ${p}`))
  }
  return problems
}
