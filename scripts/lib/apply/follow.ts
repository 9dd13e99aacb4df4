// Follows a CodeDeploy deployment to its end, printing progress per instance and lifecycle event; finds the failing event (I/O through Deployer).
import type { Deployer, DeploymentState, Diagnostics, InstanceState } from '../aws/deployer.ts'

export type Failure = { instanceId: string; event: string; diagnostics?: Diagnostics }
export type Followed = { state: DeploymentState; instances?: InstanceState[]; failure?: Failure }

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped'])

/** The first lifecycle event that failed, on the first instance that failed. */
export function firstFailure(instances: InstanceState[] | undefined): Failure | undefined {
  for (const i of instances ?? []) {
    const e = i.events.find((ev) => ev.status === 'Failed')
    if (e) return { instanceId: i.instanceId, event: e.name, diagnostics: e.diagnostics }
  }
  return undefined
}

export async function followDeployment(
  deployer: Deployer,
  id: string,
  opts: {
    label: string
    log: (line: string) => void
    pollMs: number
    timeoutMs: number
    sleep?: (ms: number) => Promise<void>
  },
): Promise<Followed> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const printed = new Set<string>()
  const say = (line: string) => {
    if (!printed.has(line)) {
      printed.add(line)
      opts.log(line)
    }
  }
  let noTargets = false
  const started = Date.now()
  for (;;) {
    const state = await deployer.get(id)
    const o = state.overview
    say(
      `${opts.label} ${id}: ${state.status} (instances: ${o.Succeeded} succeeded, ${o.InProgress} in progress, ${o.Pending} pending, ${o.Failed} failed)`,
    )
    const instances = await deployer.instances(id)
    if (!instances && !noTargets) {
      noTargets = true
      say(
        `${opts.label} ${id}: per-instance lifecycle events are not available from this endpoint; following the deployment status only`,
      )
    }
    for (const i of instances ?? []) {
      for (const e of i.events)
        if (e.status !== 'Pending') say(`${opts.label} ${id} ${i.instanceId} ${e.name}: ${e.status}`)
    }
    if (TERMINAL.has(state.status))
      return { state, instances, failure: state.status === 'Succeeded' ? undefined : firstFailure(instances) }
    if (Date.now() - started > opts.timeoutMs) {
      return {
        state: {
          ...state,
          error: { code: 'TIMEOUT', message: `still ${state.status} after ${Math.round(opts.timeoutMs / 1000)} s` },
        },
        instances,
        failure: firstFailure(instances),
      }
    }
    await sleep(opts.pollMs)
  }
}
