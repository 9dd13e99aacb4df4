// The latency model bench:pipeline gives moto: how long each CloudFormation and CodeDeploy call takes on AWS, in
// simulated seconds, applied as SDK middleware on a scaled clock (I/O: timers only).
//
// Where the figures come from (typical, not worst, values; change them here and the bench follows):
// - An API call (Describe*, Get*, List*, Delete*): 0.3 s, a request round trip to a regional endpoint.
// - CreateChangeSet until CREATE_COMPLETE (or FAILED for "no changes"): 12 s. AWS documents change set creation as
//   taking "a few seconds"; small stacks take 5-20 s in practice.
// - A stack operation, by template, create / update: the slowest resource of the template dominates. NAT gateways
//   and ALBs take 2-3 min to become available, an Auto Scaling group waits for its instances (about 4 min with
//   user data), a KMS key and buckets about 1.5 min, IAM roles 20-30 s (propagation), alarms and topics seconds.
//   An update is 40 % of the create (at least 10 s): it replaces or modifies a few resources, not all.
// - A CodeDeploy deployment, one instance at a time (CodeDeployDefault.OneAtATime): per instance, the target group's
//   deregistration delay (30 s, app.yaml), the hooks (about 45 s: stop, install, start, validate) and the target
//   turning healthy again (healthy threshold x health check interval, from the YAML), times the group's instances.
import type { Model } from '../../scripts/lib/config/model.ts'

export const API_CALL_S = 0.3
export const CHANGE_SET_S = 12
export const CREATE_S: Record<string, number> = {
  'data.yaml': 90, 'network.yaml': 150, 'security.yaml': 20, 'vpn.yaml': 180, 'instance-group.yaml': 240, 'load-balancer.yaml': 180,
  'deploy.yaml': 15, 'topic.yaml': 10, 'monitoring.yaml': 20, 'governance.yaml': 60, 'repositories.yaml': 15, 'pipeline.yaml': 60,
  'backup-agent.yaml': 20, 'app.yaml': 60, 'alarm.yaml': 10, 'target-alarm.yaml': 10,
}
export const updateSeconds = (template: string) => Math.max(10, 0.4 * (CREATE_S[template] ?? 30))
const DEREGISTRATION_S = 30
const HOOKS_S = 45

/** Simulated seconds of one deployment of `group` (an app, or the backup tool on the database group). */
export function deploymentSeconds(model: Model, group: string): number {
  const app = model.apps.find((a) => a.name === group)
  const groupName = app?.instanceGroup ?? model.env.backup.instanceGroup
  const instances = model.env.instanceGroups.find((g) => g.name === groupName)?.count ?? 1
  const healthy = app ? app.healthCheck.healthyThreshold * app.healthCheck.interval : 0
  return instances * ((app ? DEREGISTRATION_S : 0) + HOOKS_S + healthy)
}

type Middleware = (next: (args: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (args: { input: Record<string, unknown> }) => Promise<unknown>
type Client = { middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void } }

/**
 * Delays each call of `client` by `seconds(command, input)` / scale, and counts calls by command. `scale` 0 counts
 * without delaying: the bench's second pass, which measures the real overhead (moto, bundles) to keep it unscaled.
 */
export function addLatency(client: Client, scale: number, seconds: (command: string, input: Record<string, unknown>) => number, counts: Map<string, number>) {
  const mw: Middleware = (next, ctx) => async (args) => {
    const command = (ctx.commandName ?? '?').replace(/Command$/, '')
    counts.set(command, (counts.get(command) ?? 0) + 1)
    if (scale > 0) await new Promise((r) => setTimeout(r, (seconds(command, args.input) * 1000) / scale))
    return next(args)
  }
  client.middlewareStack.add(mw as never, { step: 'initialize', name: `benchLatency${Math.random()}` })
}
