// An instance group's stack: its launch template, Auto Scaling group and role, and the target groups of the apps it
// serves (pure).
import type { App, Environment, InstanceGroup } from '../../config/model.ts'
import { stackName } from '../../names.ts'
import { backupKeyPrefix, base, baseTags, SLOTS, slots, type StackInstance } from './common.ts'

/**
 * Seconds an app instance is in service before a failed load balancer health check replaces it. A launch deployment
 * (CodeDeploy's hook) has already waited for the instance's targets to be healthy, so this only has to cover an
 * environment's first creation: its instances are in service, and registered, before the app stacks and the first
 * deployment exist (about 15 min on AWS, apply's latency model); twice that keeps them from being replaced meanwhile.
 */
export const APP_HEALTH_GRACE_S = 1800

// Graviton families carry a "g" after the generation digit (t4g, r6g, m7gd, c6gn).
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  const suffix = instanceType.match(/^[a-z]+\d+([a-z-]*)\./)?.[1] ?? ''
  return suffix.includes('g') ? 'arm64' : 'x86_64'
}
const imageParameter = (instanceType: string) =>
  `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`

export function instanceGroupStack(env: Environment, group: InstanceGroup, apps: App[]): StackInstance {
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
