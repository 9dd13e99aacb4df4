// How long an apply takes on AWS, from a latency model: what plan's summary tells the reviewer, and what
// bench:pipeline gives its stand-in (pure).
//
// Where the figures come from (typical, not worst, values):
// - An API call (Describe*, Get*, List*, Delete*): 0.3 s, a request round trip to a regional endpoint.
// - CreateChangeSet until CREATE_COMPLETE (or FAILED for "no changes"): 12 s. AWS documents change set creation as
//   taking "a few seconds"; small stacks take 5-20 s in practice.
// - A stack operation, by template, create / update: the slowest resource of the template dominates. NAT gateways
//   and ALBs take 2-3 min to become available, an Auto Scaling group waits for its instances (about 4 min with
//   user data), a KMS key and buckets about 1.5 min, IAM roles 20-30 s (propagation), alarms and topics seconds.
//   An update is 40 % of the create (at least 10 s): it replaces or modifies a few resources, not all.
// - A CodeDeploy deployment, one instance at a time (CodeDeployDefault.OneAtATime): per instance, the target group's
//   deregistration delay (30 s, target-group.yaml), the hooks (about 45 s: stop, install, start, validate) and the target
//   turning healthy again (healthy threshold x health check interval, from the YAML), times the group's instances.
import type { Model } from '../config/model.ts'
import { criticalPath, stackDependencies } from '../apply/stack-graph.ts'
import type { PlannedStack } from '../apply/stacks.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'

export const API_CALL_S = 0.3
export const CHANGE_SET_S = 12
export const CREATE_S: Record<string, number> = {
  'data.yaml': 90,
  'network.yaml': 150,
  'security.yaml': 20,
  'vpn.yaml': 180,
  'instance-group.yaml': 240,
  'load-balancer.yaml': 180,
  'deploy.yaml': 15,
  'topic.yaml': 10,
  'monitoring.yaml': 20,
  'governance.yaml': 60,
  'repositories.yaml': 15,
  'pipeline.yaml': 60,
  'backup-agent.yaml': 20,
  'target-group.yaml': 20,
  'app.yaml': 60,
  'alarm.yaml': 10,
  'target-alarm.yaml': 10,
}
export const createSeconds = (template: string) => CREATE_S[template] ?? 30
export const updateSeconds = (template: string) => Math.max(10, 0.4 * createSeconds(template))
const DEREGISTRATION_S = 30
const HOOKS_S = 45

/** Seconds of one deployment of `group` (an app, or the backup tool on the database group). */
export function deploymentSeconds(model: Model, group: string): number {
  const app = model.apps.find((a) => a.name === group)
  const groupName = app?.instanceGroup ?? model.env.backup.instanceGroup
  const instances = model.env.instanceGroups.find((g) => g.name === groupName)?.count ?? 1
  const healthy = app ? app.healthCheck.healthyThreshold * app.healthCheck.interval : 0
  return instances * ((app ? DEREGISTRATION_S : 0) + HOOKS_S + healthy)
}

/** The slowest instance group's deployments of these apps, one after another (groups deploy side by side). */
export function slowestLaneSeconds(model: Model, apps: string[]): number {
  return Math.max(
    0,
    ...model.env.instanceGroups.map((g) =>
      apps
        .filter((a) => model.apps.find((x) => x.name === a)?.instanceGroup === g.name)
        .reduce((t, a) => t + deploymentSeconds(model, a), 0),
    ),
  )
}

export type StackWork = 'none' | 'change set' | 'create' | 'update'

/** The apply's critical path: the longest chain of stack work, then the backup tool, then the slowest lane. */
export function expectedApplySeconds(
  model: Model,
  specs: PlannedStack[],
  work: (stack: string) => StackWork,
  apps: string[],
  backup: boolean,
): number {
  const template = new Map(specs.map((s) => [s.stack, s.template]))
  const cost = (stack: string) => {
    const w = work(stack)
    const t = template.get(stack) ?? ''
    return w === 'none' ? 0 : CHANGE_SET_S + (w === 'create' ? createSeconds(t) : w === 'update' ? updateSeconds(t) : 0)
  }
  const stacks = criticalPath(stackDependencies(specs), cost).cost
  return stacks + (backup ? deploymentSeconds(model, BACKUP_AGENT) : 0) + slowestLaneSeconds(model, apps)
}
