// The local fleet's Auto Scaling group (I/O). What the group and CodeDeploy do on AWS when instances come and go:
// a launched instance gets every app at its last good revision while it is held in Pending:Wait (one launch
// deployment per app's deployment group) and joins a target group only once that app's hooks passed; an impaired
// instance is replaced launch-before-terminate (the group's instance maintenance policy); scale-in drains first
// (the deployment groups' termination hook); a refresh replaces every instance one at a time, keeping 100 % healthy.
import { deregisterEverywhere, launchInstance, terminateInstance, type Fleet, type Instance } from './fleet.ts'
import { deployToInstance, type LifecycleOptions } from './lifecycle.ts'
import { bundleMeta, nextDeployment, releasedApps, type Failure } from './runner.ts'
import { byText } from '../order.ts'

export type ScalingOptions = LifecycleOptions & { onStep?: (message: string) => void }

/** A launch whose deployment failed: the group abandoned the instance and terminated it, so it never took traffic. */
export class LaunchFailed extends Error {
  constructor(
    readonly failure: Failure,
    readonly app: string,
  ) {
    super(`${failure.instance}: the launch deployment of ${app} failed at ${failure.event}: ${failure.reason}`)
  }
}

export type Launch = {
  instance: Instance
  bootMs: number
  deployments: { app: string; deploymentId: string; ms: number }[]
  inServiceMs: number
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * One instance launched into service: booted, then every app of the fleet deployed to it by itself at its last good
 * revision, apps in name order as the deployment groups' hooks fire. The load balancer stands for the target group
 * of the fleet's app (its proxy port): the instance joins it in that app's AllowTraffic, never before the app's own
 * ValidateService passed. Another app's deployment leaves that target group alone.
 */
export async function launchInService(f: Fleet, opts: ScalingOptions = {}): Promise<Launch> {
  const released = Object.entries(await releasedApps(f)).sort(byText(([app]) => app))
  const metas = await Promise.all(released.map(([, bundle]) => bundleMeta(bundle)))
  // A fleet behind a load balancer whose app was never deployed would launch an instance that never takes traffic,
  // and a replacement or refresh would then terminate one that does.
  const undeployed = f.targets.find((t) => !metas.some((m) => m.proxyPort === t.proxyPort))
  if (undeployed)
    throw new Error(
      `fleet ${f.id}: no app on port ${undeployed.proxyPort} has been deployed yet; deploy it before launching instances into service`,
    )
  const started = Date.now()
  const instance = await launchInstance(f)
  const bootMs = Date.now() - started
  opts.onStep?.(
    `${instance.name} launched and booted in ${seconds(bootMs)}; held out of service until its apps are deployed`,
  )
  const deployments: Launch['deployments'] = []
  for (const [n, [app, bundle]] of released.entries()) {
    const meta = metas[n]!
    const d = nextDeployment(f, bundle, meta)
    const t0 = Date.now()
    const out = await deployToInstance(f, instance, d, opts)
    if (!out.ok) {
      // It may already serve the load balancer's app (an app earlier in the order): out first, then terminated.
      opts.onStep?.(`${instance.name}: ${app} failed at ${out.event}; the group abandons and terminates it`)
      await drainAndTerminate(f, instance, opts)
      throw new LaunchFailed(
        { instance: instance.name, event: out.event, reason: out.reason, log: out.log, tail: out.tail },
        app,
      )
    }
    deployments.push({ app, deploymentId: d.id, ms: Date.now() - t0 })
    opts.onStep?.(`${instance.name}: ${app} ${d.id} succeeded in ${seconds(Date.now() - t0)}`)
  }
  const inServiceMs = Date.now() - started
  opts.onStep?.(`${instance.name} in service ${seconds(inServiceMs)} after launch`)
  return { instance, bootMs, deployments, inServiceMs }
}

/** Out of the load balancer (deregistration delay: its in-flight requests finish), then terminated. */
async function drainAndTerminate(f: Fleet, i: Instance, opts: ScalingOptions) {
  const started = Date.now()
  await deregisterEverywhere(f, i.name)
  await terminateInstance(f, i)
  opts.onStep?.(`${i.name} drained and terminated in ${seconds(Date.now() - started)}`)
}

/**
 * The group's health check found `old` impaired (a failed status check, a scheduled retirement): its replacement
 * is launched into service first, so capacity never drops, then `old` is drained and terminated.
 */
export async function replaceInstance(f: Fleet, old: Instance, opts: ScalingOptions = {}): Promise<Launch> {
  opts.onStep?.(`${old.name} is impaired; launching its replacement before terminating it`)
  const launch = await launchInService(f, opts)
  await drainAndTerminate(f, old, opts)
  return launch
}

/** A new desired capacity: out by launching into service, in by draining and terminating the oldest instances. */
export async function scaleTo(f: Fleet, desired: number, opts: ScalingOptions = {}): Promise<Launch[]> {
  if (!Number.isInteger(desired) || desired < 0)
    throw new Error(`desired capacity must be a whole number, not ${desired}`)
  opts.onStep?.(`desired capacity ${f.instances.length} → ${desired}`)
  const launches: Launch[] = []
  while (f.instances.length < desired) launches.push(await launchInService(f, opts))
  while (f.instances.length > desired) await drainAndTerminate(f, f.instances[0]!, opts)
  return launches
}

/**
 * Instance refresh: every instance that was in the group when it started is replaced, one at a time, oldest first,
 * launch-before-terminate (MinHealthyPercentage 100). A failed launch stops the refresh with the rest untouched.
 */
export async function refreshInstances(f: Fleet, opts: ScalingOptions = {}): Promise<Launch[]> {
  const old = [...f.instances]
  const launches: Launch[] = []
  for (const [n, i] of old.entries()) {
    opts.onStep?.(`refresh ${n + 1}/${old.length}: replacing ${i.name}`)
    launches.push(await replaceInstance(f, i, opts))
  }
  return launches
}
