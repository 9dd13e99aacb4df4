// Deploys a revision to a local fleet one instance at a time and, on failure, redeploys the last good
// revision to every instance already changed, as CodeDeploy's automatic rollback does (I/O).
import { copyFileSync, readFileSync } from 'node:fs'
import { codeDeployApplication } from '../names.ts'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { InputError } from '../cli/errors.ts'
import { unpackEntries } from '../bundle/tar.ts'
import { revisionsDir, saveFleet, type Fleet } from './fleet.ts'
import { deployToInstance, type Deployment, type LifecycleOptions } from './lifecycle.ts'

export type Failure = { instance: string; event: string; reason: string; log?: string; tail?: string }
export type DeployResult = {
  ok: boolean
  deploymentId: string
  agentDeployments: Record<string, string> // instance name -> the agent's deployment id there (DEPLOYMENT_ID in hooks)
  failure?: Failure
  rollback?: { deploymentId: string; ok: boolean; ms: number; instances: string[]; failures: Failure[] }
}

/**
 * codedeploy-local runs every lifecycle event of a revision in one go, so the runner moves traffic before and
 * after it: hooks for the two events that CodeDeploy runs on the far side of the load balancer cannot run here
 * in their place, and a revision that has them is refused rather than run in the wrong order.
 */
const AROUND_TRAFFIC = ['BeforeBlockTraffic', 'AfterAllowTraffic']

export type BundleMeta = { app: string; environment: string; proxyPort?: number }

/** The bundle's deploy/environment.json (app and environment name its CodeDeploy application and group). */
export async function bundleMeta(bundle: string): Promise<BundleMeta> {
  let entries
  try {
    entries = await unpackEntries(readFileSync(bundle))
  } catch (e) {
    throw new InputError(`${bundle}: not a revision bundle (a .tar.gz): ${(e as Error).message}`)
  }
  const appspec = entries.find((e) => e.path === 'appspec.yml')
  if (!appspec) throw new InputError(`${bundle}: no appspec.yml at the bundle root`)
  const hooks = Object.keys((parse(appspec.data.toString()) ?? {}).hooks ?? {}).filter((h) =>
    AROUND_TRAFFIC.includes(h),
  )
  if (hooks.length)
    throw new InputError(
      `${bundle}: deploy-local cannot run ${hooks.join(' and ')} hooks where CodeDeploy does (codedeploy-local runs every event at once, between the load balancer's block and allow); move them to AfterBlockTraffic or BeforeAllowTraffic`,
    )
  const meta = entries.find((e) => e.path === 'deploy/environment.json')
  if (!meta) throw new InputError(`${bundle}: no deploy/environment.json; build bundles with apply's bundle builder`)
  return JSON.parse(meta.data.toString()) as BundleMeta
}

/** The app's last good revision; a fleet saved before apps were told apart holds one path, its app read from it. */
export const lastGoodOf = async (f: Fleet, app: string): Promise<string | undefined> => (await releasedApps(f))[app]

/** Every app's last good revision, by app name. */
export async function releasedApps(f: Fleet): Promise<Record<string, string>> {
  if (typeof f.lastGood !== 'string') return { ...f.lastGood }
  return { [(await bundleMeta(f.lastGood)).app]: f.lastGood }
}

export function nextDeployment(f: Fleet, bundle: string, meta: BundleMeta): Deployment {
  f.deployments += 1
  saveFleet(f)
  const id = `d-${f.id.toUpperCase()}${String(f.deployments).padStart(3, '0')}`
  // As on AWS: application drsignet-ENV, deployment group named after the app (cloudformation/app.yaml).
  return {
    id,
    groupId: `local-${meta.environment}-${meta.app}`,
    groupName: meta.app,
    application: codeDeployApplication(meta.environment),
    bundle,
    proxyPort: meta.proxyPort,
  }
}

export async function deployRevision(f: Fleet, bundleIn: string, opts: LifecycleOptions = {}): Promise<DeployResult> {
  const meta = await bundleMeta(bundleIn)
  const bundle = join(revisionsDir(f), basename(bundleIn))
  if (bundle !== bundleIn) copyFileSync(bundleIn, bundle)
  const d = nextDeployment(f, bundle, meta)
  const changed: string[] = []
  const agentDeployments: Record<string, string> = {}
  for (const i of f.instances) {
    changed.push(i.name)
    const out = await deployToInstance(f, i, d, opts)
    if (out.agentDeploymentId) agentDeployments[i.name] = out.agentDeploymentId
    if (out.ok) continue
    const failure = { instance: i.name, event: out.event, reason: out.reason, log: out.log, tail: out.tail }
    const lastGood = await lastGoodOf(f, meta.app)
    if (!lastGood) return { ok: false, deploymentId: d.id, agentDeployments, failure }
    // The failed instance is out of service already: roll it back first, then the others, newest first.
    const order = [i.name, ...changed.slice(0, -1).reverse()]
    const started = Date.now()
    const rb = nextDeployment(f, lastGood, await bundleMeta(lastGood))
    const failures: Failure[] = []
    for (const name of order) {
      const r = await deployToInstance(
        f,
        f.instances.find((x) => x.name === name)!,
        rb,
        opts,
      )
      if (!r.ok) failures.push({ instance: name, event: r.event, reason: r.reason, log: r.log, tail: r.tail })
    }
    const rollback = { deploymentId: rb.id, ok: !failures.length, ms: Date.now() - started, instances: order, failures }
    return { ok: false, deploymentId: d.id, agentDeployments, failure, rollback }
  }
  f.lastGood = { ...(await releasedApps(f)), [meta.app]: bundle }
  saveFleet(f)
  return { ok: true, deploymentId: d.id, agentDeployments }
}
