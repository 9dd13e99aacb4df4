// What every stack builder shares: the stack's shape, the fixed template slots, the project's base parameters and
// tags, and the small conversions several stacks need (pure).
import { BACKUP_METRIC, MAX_APPS_PER_GROUP, type Environment } from '../../config/model.ts'
import { PROJECT, stackName, topicName } from '../../names.ts'

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

// Fixed slots in the templates (CloudFormation cannot loop without a transform).
export const SLOTS = { emails: 8, stopAlarms: 5, notifyTopics: 3, groupApps: MAX_APPS_PER_GROUP } as const

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

export const base = (env: Environment) => ({ Project: PROJECT, EnvName: env.name })
export const baseTags = (env: Environment): Record<string, string> => ({ Project: PROJECT, Environment: env.name })

/** Fills numbered slots Name1..NameN; overflow is kept so checkParameters reports it as unknown. */
export function slots(name: string, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v, i) => [`${name}${i + 1}`, v]))
}

/** The stacks that make these topics. */
export const topicStacks = (env: Environment, topics: string[]) => topics.map((t) => stackName(env.name, `topic-${t}`))
