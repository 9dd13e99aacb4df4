// One revision on one instance: out of the load balancer (drained), the whole lifecycle by the real agent's
// codedeploy-local, back in. The runner does only what the CodeDeploy service would: traffic and ordering (I/O).
import { readFileSync } from 'node:fs'
import { runAgent, type AgentResult } from './agent.ts'
import { allowTraffic, blockTraffic, ensureRunning, targetOf, type Fleet, type Instance } from './fleet.ts'
import { setServiceEnvironment, unsetServiceEnvironment } from './instance.ts'
import { relayEndpoint } from './relay.ts'

/**
 * Runs `work` with the instance role's stand-ins (`passEnv`: credentials, region, endpoint) in the instance's service
 * environment, as every unit started meanwhile sees IMDS on EC2; a loopback endpoint (moto) is relayed to the
 * instance's side of its veth pair. Both are taken back afterwards. `work` must not block this process: the relay
 * runs in it.
 */
export async function withInstanceRole<T>(
  i: Instance,
  passEnv: Record<string, string> | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const env = { ...passEnv }
  const relay = env.AWS_ENDPOINT_URL ? await relayEndpoint(env.AWS_ENDPOINT_URL, i.hostIp) : undefined
  if (relay) env.AWS_ENDPOINT_URL = relay.url
  try {
    setServiceEnvironment(i, env)
    return await work()
  } finally {
    unsetServiceEnvironment(i, Object.keys(env))
    await relay?.close()
  }
}

export type Progress = {
  instance: string
  event: string
  status: 'start' | 'ok' | 'failed'
  ms?: number
  detail?: string
  deploymentId: string
}
// proxyPort: the revision's app's; its deployment blocks and allows instances in that app's target group alone.
export type Deployment = {
  id: string
  groupId: string
  groupName: string
  application: string
  bundle: string
  proxyPort?: number
}
export type InstanceOutcome =
  | { ok: true; agentDeploymentId?: string }
  | { ok: false; event: string; log?: string; tail?: string; reason: string; agentDeploymentId?: string }

export type LifecycleOptions = {
  onProgress?: (p: Progress) => void | Promise<void>
  passEnv?: Record<string, string> // local stand-ins for what an instance's environment gives every hook (the role's credentials, endpoints)
}

/** The failing event's part of the deployment's scripts.log (the agent logs every event of a deployment there). */
export function eventTail(scriptLog: string | undefined, event: string, lines = 30): string | undefined {
  let text: string
  try {
    text = readFileSync(scriptLog!, 'utf8')
  } catch {
    return undefined
  }
  const start = text.lastIndexOf(`LifecycleEvent - ${event}\n`)
  return (start >= 0 ? text.slice(text.lastIndexOf('\n', start) + 1) : text)
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .join('\n')
}

export async function deployToInstance(
  f: Fleet,
  i: Instance,
  d: Deployment,
  opts: LifecycleOptions = {},
): Promise<InstanceOutcome> {
  const progress = async (p: Omit<Progress, 'instance' | 'deploymentId'>) =>
    opts.onProgress?.({ ...p, instance: i.name, deploymentId: d.id })
  const timed = async (event: string, step: () => Promise<void>) => {
    const started = Date.now()
    await progress({ event, status: 'start' })
    await step()
    await progress({ event, status: 'ok', ms: Date.now() - started })
  }
  // A machine that cannot boot, or a service manager that refuses the environment, fails this instance as a
  // deployment would (and so rolls back), instead of leaving it out of the load balancer.
  const failed = async (event: string, e: unknown): Promise<InstanceOutcome> => {
    const reason = (e as Error).message
    await progress({ event, status: 'failed', detail: reason })
    return { ok: false, event, reason }
  }
  try {
    await ensureRunning(f, i)
  } catch (e) {
    return failed('BeforeBlockTraffic', e)
  }
  // A group without a load balancer (the database group) has no traffic steps, as in CodeDeploy.
  const traffic = !!targetOf(f, d.proxyPort)
  if (traffic) await timed('BlockTraffic', () => blockTraffic(f, i.name, d.proxyPort))

  let started = Date.now()
  let result: AgentResult
  try {
    result = await withInstanceRole(i, opts.passEnv, () =>
      runAgent(
        i,
        {
          bundle: d.bundle,
          groupId: d.groupId,
          groupName: d.groupName,
          application: d.application,
          unit: `codedeploy-local-${d.id}`,
        },
        (e) => {
          // DownloadBundle and Install are the agent's own work; for the other events, say when the revision had no scripts.
          const idle = !e.scripts && !['DownloadBundle', 'Install'].includes(e.event)
          if (e.phase === 'done')
            return progress({
              event: e.event,
              status: 'ok',
              ms: e.at - started,
              detail: idle ? 'no scripts' : undefined,
            })
          started = e.at
          return progress({ event: e.event, status: 'start' })
        },
      ),
    )
  } catch (e) {
    return failed('BeforeBlockTraffic', e)
  }
  if (!result.ok) {
    await progress({ event: result.event!, status: 'failed', ms: Date.now() - started, detail: result.reason })
    return {
      ok: false,
      event: result.event!,
      reason: result.reason!,
      log: result.scriptLog,
      tail: eventTail(result.scriptLog, result.event!),
      agentDeploymentId: result.deploymentId,
    }
  }
  if (traffic) await timed('AllowTraffic', () => allowTraffic(f, i.name, d.proxyPort))
  return { ok: true, agentDeploymentId: result.deploymentId }
}
