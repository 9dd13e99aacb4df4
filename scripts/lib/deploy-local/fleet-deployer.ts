// CodeDeploy played by local fleets, behind apply's Deployer interface: a deployment to a group downloads the revision
// from S3 as the agent would and runs it through the real CodeDeploy agent on the instances of the fleet that stands
// for the group's instances, one at a time, with the fleet's rollback; its state and each instance's lifecycle events
// read as CodeDeploy's do (I/O: S3 through `download`, the fleets).
import { writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { BundleLocation, Deployer, DeploymentState, InstanceState } from '../aws/deployer.ts'
import { revisionsDir, type Fleet } from './fleet.ts'
import type { Progress } from './lifecycle.ts'
import { deployRevision } from './runner.ts'

type Run = {
  status: 'InProgress' | 'Succeeded' | 'Failed'
  instances: InstanceState[]
  error?: DeploymentState['error']
}

const EVENT_STATUS = { start: 'InProgress', ok: 'Succeeded', failed: 'Failed' } as const

export type FleetDeployerOptions = {
  /** Registration goes to the real endpoint's deployer (the emulator says whether it can). */
  base: Deployer
  /** The fleet whose instances are the deployment group's; none: the group has no instance here. */
  fleetOf: (group: string) => Fleet | undefined
  download: (bundle: BundleLocation) => Promise<Buffer>
  /** What the instances' hooks get as the instance role (credentials, region, the emulator's endpoint). */
  passEnv?: Record<string, string>
}

export function fleetDeployer(opts: FleetDeployerOptions): Deployer {
  const runs = new Map<string, Run>()
  let created = 0
  const runOf = (id: string) => {
    const run = runs.get(id)
    if (!run) throw new Error(`no local deployment ${id}`)
    return run
  }
  return {
    register: (application, bundle, description) => opts.base.register(application, bundle, description),

    async create(r) {
      const fleet = opts.fleetOf(r.group)
      if (!fleet) throw new Error(`no local fleet stands for deployment group ${r.group}`)
      const file = join(revisionsDir(fleet), basename(r.bundle.key))
      writeFileSync(file, await opts.download(r.bundle))
      const id = `d-LOCAL${String(++created).padStart(5, '0')}`
      const run: Run = {
        status: 'InProgress',
        instances: fleet.instances.map((i) => ({ instanceId: i.name, status: 'Pending', events: [] })),
      }
      runs.set(id, run)
      const onProgress = (p: Progress) => {
        const target = run.instances.find((t) => t.instanceId === p.instance)
        if (!target) return
        const status = EVENT_STATUS[p.status]
        const diagnostics =
          p.status === 'failed'
            ? { errorCode: 'ScriptFailed', scriptName: '', message: p.detail ?? '', logTail: '' }
            : undefined
        const event = target.events.find((e) => e.name === p.event)
        if (event) Object.assign(event, { status, diagnostics })
        else target.events.push({ name: p.event, status, diagnostics })
        target.status = status === 'Failed' ? 'Failed' : 'InProgress'
      }
      // Followed through get() and instances(), as CodeDeploy's deployments are.
      void deployRevision(fleet, file, { passEnv: opts.passEnv, onProgress }).then(
        (result) => {
          for (const t of run.instances) if (t.status === 'InProgress') t.status = result.ok ? 'Succeeded' : 'Failed'
          const failure = result.failure
          if (failure) {
            // The failing event's part of the agent's scripts.log, as CodeDeploy's diagnostics carry its tail.
            const event = run.instances
              .find((t) => t.instanceId === failure.instance)
              ?.events.find((e) => e.name === failure.event)
            if (event?.diagnostics) event.diagnostics.logTail = failure.tail ?? ''
            run.error = { code: 'SCRIPT_FAILED', message: `${failure.event} on ${failure.instance}: ${failure.reason}` }
          }
          run.status = result.ok ? 'Succeeded' : 'Failed'
        },
        (e: unknown) => {
          run.status = 'Failed'
          run.error = { code: 'INTERNAL_ERROR', message: (e as Error).message }
        },
      )
      return id
    },

    async get(id) {
      const run = runOf(id)
      const count = (status: string) => run.instances.filter((t) => t.status === status).length
      return {
        id,
        status: run.status,
        overview: {
          Pending: count('Pending'),
          InProgress: count('InProgress'),
          Succeeded: count('Succeeded'),
          Failed: count('Failed'),
          Skipped: 0,
        },
        error: run.error,
      }
    },

    async instances(id) {
      return structuredClone(runOf(id).instances)
    },
  }
}
