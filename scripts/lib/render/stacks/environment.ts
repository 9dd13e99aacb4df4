// The environment's own stacks: data, network, security, VPN, database, load balancer, deployment, topics, monitoring,
// governance, repositories, pipeline and the backup tool's deployment group (pure).
import { quarterCidrs } from '../../config/subnets.ts'
import { DELIVERY_METRIC, snapshotsKept, type App, type Environment } from '../../config/model.ts'
import { stackName } from '../../names.ts'
import {
  backupMetricNamespace,
  base,
  baseTags,
  logRetention,
  slots,
  topicArn,
  topicStacks,
  type StackInstance,
} from './common.ts'

/** MM HH ? <months> DOW#week * in the window's own time zone. */
export function patchSchedule(patching: Environment['patching']): string {
  const [hh, mm] = patching.time.split(':').map(Number)
  const months = patching.frequency === 'quarterly' ? '1/3' : '*'
  return `cron(${mm} ${hh} ? ${months} ${patching.weekday}#${patching.week} *)`
}

export function dataStack(env: Environment): StackInstance {
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

export function networkStack(env: Environment): StackInstance {
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

export function databaseStack(env: Environment): StackInstance {
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

const simple = (
  env: Environment,
  suffix: string,
  template: string,
  parameters: Record<string, string>,
): StackInstance => ({
  stack: stackName(env.name, suffix),
  template,
  tags: baseTags(env),
  parameters: { ...base(env), ...parameters },
})

export const securityStack = (env: Environment) =>
  simple(env, 'security', 'security.yaml', {
    SshPort: String(env.network.sshPort),
    MongoPort: String(env.network.mongoPort),
    VpnPeerCidr: env.network.vpnPeerCidr ?? '', // empty: the template opens nothing
  })

export const vpnStack = (env: Environment) =>
  simple(env, 'vpn', 'vpn.yaml', { VpnClientCidr: env.network.vpnClientCidr })

export const loadBalancerStack = (env: Environment, apps: App[]) =>
  simple(env, 'load-balancer', 'load-balancer.yaml', {
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
  })

export const deployStack = (env: Environment) => simple(env, 'deploy', 'deploy.yaml', {})

export const topicStacksOf = (env: Environment) =>
  env.notifications.map((n) =>
    simple(env, `topic-${n.name}`, 'topic.yaml', { TopicName: n.name, ...slots('Email', n.emails) }),
  )

export const monitoringStack = (env: Environment) =>
  simple(env, 'monitoring', 'monitoring.yaml', {
    LogRetentionDays: logRetention(env.audit.logRetentionDays),
    BackupMetricNamespace: backupMetricNamespace(),
    DeliveryMetricNamespace: DELIVERY_METRIC.namespace,
  })

export const governanceStack = (env: Environment) =>
  simple(env, 'governance', 'governance.yaml', {
    EnableCloudTrail: String(env.audit.cloudTrail),
    EnableConfig: String(env.audit.config),
    LogRetentionDays: logRetention(env.audit.logRetentionDays),
    PatchSchedule: patchSchedule(env.patching),
    PatchTimezone: env.patching.timezone,
    PatchOperation: env.patching.operation,
    RebootOption: env.patching.rebootOption,
    ApproveAfterDays: String(env.patching.approveAfterDays),
  })

export const repositoriesStack = (env: Environment) =>
  simple(env, 'repositories', 'repositories.yaml', {
    RepositoryName: env.repository,
    ArtifactsBucketName: env.buckets.artifacts,
  })

export const pipelineStack = (env: Environment) =>
  simple(env, 'pipeline', 'pipeline.yaml', {
    Branch: env.branch,
    ArtifactsBucketName: env.buckets.artifacts,
    LogRetentionDays: logRetention(env.audit.logRetentionDays),
    DeliveryMetricNamespace: DELIVERY_METRIC.namespace,
  })

export const backupAgentStack = (env: Environment): StackInstance => ({
  ...simple(env, 'backup-agent', 'backup-agent.yaml', {
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
})
