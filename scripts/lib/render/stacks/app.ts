// An app's stacks: its target group, its listener rule and deployment group, and the project that publishes its
// releases (pure).
import type { Alarm, App, Environment } from '../../config/model.ts'
import { alarmName, stackName } from '../../names.ts'
import { compareText } from '../../order.ts'
import { base, baseTags, logRetention, slots, topicArn, topicStacks, type StackInstance } from './common.ts'
import { isTargetMetric } from './alarm.ts'

/** ALB path patterns from app path prefixes: "/" is everything, "/api/" is "/api/*". */
export const pathPatterns = (paths: string[]) => paths.map((p) => `${p}*`)

// More specific rules must win: host rules before host-less ones, longer paths first, then by name.
export function rulePriorities(apps: App[]): Map<string, number> {
  const specificity = (a: App) => [a.hosts.length ? 0 : 1, -Math.max(0, ...a.paths.map((p) => p.length))]
  const sorted = [...apps].sort((a, b) => {
    const [x, y] = [specificity(a), specificity(b)]
    return x[0] - y[0] || x[1] - y[1] || compareText(a.name, b.name)
  })
  return new Map(sorted.map((a, i) => [a.name, (i + 1) * 10]))
}

/** An app's target group, before the instance groups, which register their instances in it. */
export function targetGroupStack(env: Environment, app: App): StackInstance {
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

export function appStack(env: Environment, app: App, priority: number): StackInstance {
  const alarmsByName = new Map(env.alarms.map((a) => [a.name, a]))
  // Only alarms about this app or its instances stop its deployments.
  const stopAlarms = env.deployment.stopOnAlarms
    .map((name) => alarmsByName.get(name))
    .filter((a): a is Alarm => !!a && (a.app === app.name || (!a.app && a.instanceGroup === app.instanceGroup)))
    .map((a) => alarmName(env.name, a.name))
  // The alarms on its target group come first: the deployment group names some of them, and an environment made before
  // target-group.yaml existed has them import from this stack, which can drop that export only once they let go.
  const targetAlarms = env.alarms
    .filter((a) => a.app === app.name && isTargetMetric(a.metric))
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
export const releaseStack = (env: Environment, app: App): StackInstance => ({
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
