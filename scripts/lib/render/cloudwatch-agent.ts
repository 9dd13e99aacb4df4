// Renders the CloudWatch agent configuration of one instance group: memory and disk and the nginx logs (the group
// base, alike in every bundle of the group), and each deployment group's own log files (a fragment per app, and
// one for the backup tool). Each deployment installs only its own fragment, so rolling one app back never takes
// another's logs out of the agent (pure).
import type { InstanceGroup, Model } from '../config/model.ts'
import { BACKUP_AGENT, backupAgentPaths } from './backup-paths.ts'
import { pm2LogFiles } from './pm2.ts'
import { appLogGroup, backupLogGroup, nginxLogGroup } from '../names.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'
import { byText } from '../order.ts'

/** The log groups the stacks create with retention and the CMK (app.yaml, monitoring.yaml): the agent must write to these. */
/** Memory and disk are aggregated per Auto Scaling group (one per instance group): the alarms watch that dimension. */
export const AGENT_NAMESPACE = 'CWAgent'
export const AGENT_AGGREGATION = 'AutoScalingGroupName'

type LogFile = {
  file_path: string
  log_group_name: string
  log_stream_name: string
  retention_in_days?: number
  timestamp_format?: string
}

/** Who owns log files on a group: its apps, and the backup tool on the database group. */
export const ownersOf = (model: Model, group: InstanceGroup): string[] => [
  ...model.apps.filter((a) => a.instanceGroup === group.name).map((a) => a.name),
  ...(group.name === model.env.backup.instanceGroup ? [BACKUP_AGENT] : []),
]

/** One deployment group's own log files: an app's pm2 logs, or the nightly backup's output (systemd appends it to one file). */
export function agentFragment(model: Model, owner: string): { collect_list: LogFile[] } {
  const env = model.env.name
  if (owner === BACKUP_AGENT)
    return {
      collect_list: [
        { file_path: backupAgentPaths.log, log_group_name: backupLogGroup(env), log_stream_name: '{instance_id}' },
      ],
    }
  const app = model.apps.find((a) => a.name === owner)
  if (!app) throw new Error(`no app ${owner} in ${env}`)
  return {
    collect_list: (['out', 'error'] as const).map((kind) => ({
      // The agent follows a renamed file to its end and then picks up the new one, so rotation loses nothing.
      file_path: pm2LogFiles(app)[kind],
      log_group_name: appLogGroup(env, app.name),
      log_stream_name: `{instance_id}/${kind}`,
      retention_in_days: app.logs.retentionDays,
      timestamp_format: '%Y-%m-%dT%H:%M:%S.%f%z',
    })),
  }
}

/** What every deployment to the group carries alike: agent settings, memory and disk, and the group's nginx logs. */
export function agentBase(model: Model, group: InstanceGroup) {
  const apps = model.apps.filter((a) => a.instanceGroup === group.name)
  const nginxLogs: LogFile[] = apps.length
    ? (['access', 'error'] as const).map((kind) => ({
        file_path: `/var/log/nginx/${kind}.log`,
        log_group_name: nginxLogGroup(model.env.name),
        log_stream_name: `{instance_id}/${kind}`,
        retention_in_days: Math.max(...apps.map((a) => a.logs.retentionDays)),
      }))
    : []
  return {
    agent: {
      metrics_collection_interval: 60,
      logfile: '/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log',
    },
    logs: { logs_collected: { files: { collect_list: nginxLogs } }, force_flush_interval: 5 },
    metrics: {
      namespace: AGENT_NAMESPACE,
      append_dimensions: { [AGENT_AGGREGATION]: '${aws:AutoScalingGroupName}', InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [[AGENT_AGGREGATION]],
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
  }
}

/**
 * The configuration an instance of the group runs once every owner has deployed: the base plus each fragment, by
 * file path. hooks/lib/agent-config.mjs composes the same on the instance from what each deployment left there.
 */
export function cloudWatchAgentConfig(model: Model, group: InstanceGroup) {
  const base = agentBase(model, group)
  const files = [
    ...base.logs.logs_collected.files.collect_list,
    ...ownersOf(model, group).flatMap((o) => agentFragment(model, o).collect_list),
  ]
  files.sort(byText((f) => f.file_path))
  return { ...base, logs: { ...base.logs, logs_collected: { files: { collect_list: files } } } }
}

export const renderCloudWatchAgent = (model: Model, group: InstanceGroup): RenderedFile => ({
  path: `instances/${group.name}/amazon-cloudwatch-agent.json`,
  contents: json(cloudWatchAgentConfig(model, group)),
})

const json = (value: unknown) => JSON.stringify(sortKeys(value), null, 2) + '\n'

// Every bundle of a group carries the same base, so it is rendered once per model and group (the model is not
// changed after it is built; a new model is a new key).
const bases = new WeakMap<Model, Map<string, string>>()
function baseJson(model: Model, group: InstanceGroup): string {
  let byGroup = bases.get(model)
  if (!byGroup) bases.set(model, (byGroup = new Map()))
  let text = byGroup.get(group.name)
  if (text === undefined) byGroup.set(group.name, (text = json(agentBase(model, group))))
  return text
}

/** What a deployment group's bundle carries for the agent: the group base and its own fragment (deploy/cloudwatch-agent/). */
export function agentFilesOf(model: Model, groupName: string, owner: string): RenderedFile[] {
  const group = model.env.instanceGroups.find((g) => g.name === groupName)
  if (!group) throw new Error(`${owner}: instance group ${groupName} does not exist`)
  return [
    { path: 'deploy/cloudwatch-agent/base.json', contents: baseJson(model, group) },
    { path: `deploy/cloudwatch-agent/${owner}.json`, contents: json(agentFragment(model, owner)) },
  ]
}
