// Deploys a revision to a local fleet one instance at a time and, on failure, redeploys the last good
// revision to every instance already changed, as CodeDeploy's automatic rollback does (I/O).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { unpackEntries } from '../bundle/tar.ts'
import { saveFleet, type Fleet } from './fleet.ts'
import { deployToInstance, type Deployment, type LifecycleOptions } from './lifecycle.ts'

export type DeployResult = {
  ok: boolean
  deploymentId: string
  failure?: Failure
  rollback?: { deploymentId: string; ok: boolean; ms: number; instances: string[]; failures: Failure[] }
}

type Failure = { instance: string; event: string; reason: string; log?: string }

async function metadata(bundle: string) {
  const entries = await unpackEntries(readFileSync(bundle))
  const meta = entries.find((e) => e.path === 'deploy/environment.json')
  if (!entries.some((e) => e.path === 'appspec.yml')) throw new Error(`${bundle}: no appspec.yml at the bundle root`)
  return meta ? (JSON.parse(meta.data.toString()) as { app: string; environment: string }) : { app: 'app', environment: 'local' }
}

function nextDeployment(f: Fleet, bundle: string, meta: { app: string; environment: string }): Deployment {
  f.deployments += 1
  saveFleet(f)
  const id = `d-${f.id.toUpperCase()}${String(f.deployments).padStart(3, '0')}`
  return { id, groupId: `local-${f.id}`, groupName: `${meta.environment}-${meta.app}`, application: meta.app, bundle }
}

export async function deployRevision(f: Fleet, bundleIn: string, opts: LifecycleOptions = {}): Promise<DeployResult> {
  mkdirSync(join(f.dir, 'revisions'), { recursive: true })
  const bundle = join(f.dir, 'revisions', basename(bundleIn))
  if (bundle !== bundleIn) copyFileSync(bundleIn, bundle)
  const meta = await metadata(bundle)
  const d = nextDeployment(f, bundle, meta)
  const changed: string[] = []
  for (const i of f.instances) {
    changed.push(i.name)
    const out = await deployToInstance(f, i, d, opts)
    if (out.ok) continue
    const failure = { instance: i.name, event: out.event, reason: out.reason, log: out.log }
    if (!f.lastGood) return { ok: false, deploymentId: d.id, failure }
    // The failed instance is out of service already: roll it back first, then the others, newest first.
    const order = [i.name, ...changed.slice(0, -1).reverse()]
    const started = Date.now()
    const rb = nextDeployment(f, f.lastGood, meta)
    const failures: Failure[] = []
    for (const name of order) {
      const r = await deployToInstance(f, f.instances.find((x) => x.name === name)!, rb, opts)
      if (!r.ok) failures.push({ instance: name, event: r.event, reason: r.reason, log: r.log })
    }
    const rollback = { deploymentId: rb.id, ok: !failures.length, ms: Date.now() - started, instances: order, failures }
    return { ok: false, deploymentId: d.id, failure, rollback }
  }
  f.lastGood = bundle
  saveFleet(f)
  return { ok: true, deploymentId: d.id }
}
