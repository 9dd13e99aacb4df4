// Renders the CloudWatch agent configuration of one instance group: its apps' pm2 and nginx logs (or the backup's
// log on the database group), memory and disk (pure).
import type { App, InstanceGroup, Model } from '../config/model.ts'
import { backupAgentPaths } from './backup-paths.ts'
import { pm2LogFiles } from './pm2.ts'
import { PROJECT } from './stack-parameters.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'

/** The log groups the stacks create with retention and the CMK (app.yaml, monitoring.yaml): the agent must write to these. */
export const logGroupName = (env: string, app: string) => `/${PROJECT}/${env}/app/${app}`
export const nginxLogGroupName = (env: string) => `/${PROJECT}/${env}/nginx`
/** Memory and disk are aggregated per Auto Scaling group (one per instance group): the alarms watch that dimension. */
export const AGENT_NAMESPACE = 'CWAgent'
export const AGENT_AGGREGATION = 'AutoScalingGroupName'

type LogFile = { file_path: string; log_group_name: string; log_stream_name: string; retention_in_days?: number; timestamp_format?: string }

export function cloudWatchAgentConfig(model: Model, group: InstanceGroup) {
  const env = model.env.name
  const apps = model.apps.filter((a) => a.instanceGroup === group.name)
  const appLogs: LogFile[] = apps.flatMap((app) =>
    (['out', 'error'] as const).map((kind) => ({
      // The agent follows a renamed file to its end and then picks up the new one, so rotation loses nothing.
      file_path: pm2LogFiles(app)[kind],
      log_group_name: logGroupName(env, app.name),
      log_stream_name: `{instance_id}/${kind}`,
      retention_in_days: app.logs.retentionDays,
      timestamp_format: '%Y-%m-%dT%H:%M:%S.%f%z',
    })),
  )
  const nginxLogs: LogFile[] = apps.length
    ? (['access', 'error'] as const).map((kind) => ({
        file_path: `/var/log/nginx/${kind}.log`,
        log_group_name: nginxLogGroupName(env),
        log_stream_name: `{instance_id}/${kind}`,
        retention_in_days: Math.max(...apps.map((a) => a.logs.retentionDays)),
      }))
    : []
  // The database group: the nightly backup's output, which systemd appends to one file.
  const backupLogs: LogFile[] = group.name === model.env.backup.instanceGroup
    ? [{ file_path: backupAgentPaths.log, log_group_name: `/${PROJECT}/${env}/backup`, log_stream_name: '{instance_id}' }]
    : []
  return {
    agent: { metrics_collection_interval: 60, logfile: '/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log' },
    logs: { logs_collected: { files: { collect_list: [...appLogs, ...nginxLogs, ...backupLogs] } }, force_flush_interval: 5 },
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

export const renderCloudWatchAgent = (model: Model, group: InstanceGroup): RenderedFile => ({
  path: `instances/${group.name}/amazon-cloudwatch-agent.json`,
  contents: JSON.stringify(sortKeys(cloudWatchAgentConfig(model, group)), null, 2) + '\n',
})

/** The same configuration inside each bundle of the group's apps, where AfterInstall applies it. */
export function agentConfigOfApp(app: App, model: Model): RenderedFile {
  const group = model.env.instanceGroups.find((g) => g.name === app.instanceGroup)
  if (!group) throw new Error(`${app.name}: instance group ${app.instanceGroup} does not exist`)
  return { path: 'deploy/amazon-cloudwatch-agent.json', contents: renderCloudWatchAgent(model, group).contents }
}
