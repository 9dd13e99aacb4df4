// apply ENV: lock, stacks through change sets, then a bundle and a CodeDeploy deployment per app (and for the backup
// tool) whose revision changed (I/O through Services).
import { DELIVERY_METRIC, type Model } from '../config/model.ts'
import { MissingBucketError } from '../aws/env-lock.ts'
import { buildRelease, desiredReleases, type ArtifactSource } from './bundle.ts'
import type { DesiredRelease } from './desired.ts'
import { deployRelease } from './deploy-release.ts'
import { acquireLock, lockHolder, type Held } from './lock.ts'
import type { Runtime, Services } from './services.ts'
import {
  applyStacks,
  stackFailureReport,
  stackRecords,
  stackSpecs,
  triageStacks,
  type PlannedStack,
  type StackResult,
} from './stacks.ts'
import { keys, readAudit, readState, updateState } from './state.ts'
import { deliveryMetrics } from './delivery-metrics.ts'

export type ApplyOptions = {
  artifacts: ArtifactSource
  /** Where the YAML the model came from lives; the backup tool ships that environment's file. Default: this checkout. */
  root?: string
  /** A reason to leave a stack out (e.g. a type the target cannot create), or undefined to apply it. */
  skipStack?: (s: PlannedStack) => string | undefined
  /** Plan every stack through a change set, trusting no fingerprint. */
  full?: boolean
  forceUnlock?: boolean
  lockTtlSeconds?: number
  /** Told the lock once it is held, so a signal handler can release it. */
  onLocked?: (held: Held) => void
}

/** The DORA keys over the audit log as it now stands, to CloudWatch for the dashboard; never fails the apply. */
async function publishDelivery(model: Model, svc: Services, rt: Runtime) {
  const env = model.env.name
  try {
    const metrics = deliveryMetrics(await readAudit(svc.store, env), rt.now(), DELIVERY_METRIC.days)
    const n = await svc.delivery.publish(env, metrics, rt.now())
    rt.log(`delivery: ${n} datapoints to CloudWatch ${DELIVERY_METRIC.namespace} (\`ops metrics ${env}\` prints them)`)
  } catch (e) {
    rt.log(`delivery: metrics not published (${(e as Error).message}); the deployments are unaffected`)
  }
}

/** Releases grouped by the instance group they deploy to, in their order; groups in order of first appearance. */
export function deploymentLanes(releases: DesiredRelease[]): DesiredRelease[][] {
  const lanes = new Map<string, DesiredRelease[]>()
  for (const d of releases) {
    const group = d.app?.instanceGroup ?? ''
    lanes.set(group, [...(lanes.get(group) ?? []), d])
  }
  return [...lanes.values()]
}

export type ApplyResult = { code: 0 | 1; stacks: StackResult[]; deployed: string[]; summary: string }

export async function runApply(model: Model, svc: Services, rt: Runtime, opts: ApplyOptions): Promise<ApplyResult> {
  const env = model.env.name
  const specs = stackSpecs(model, opts.root)
  const skip = opts.skipStack ?? (() => undefined)
  const lockOpts = lockHolder(rt, opts)
  let held: Held
  let bootstrap: StackResult[] = []
  let bootstrapSpecs: PlannedStack[] = []
  try {
    held = await acquireLock(svc.lock, lockOpts)
  } catch (e) {
    if (!(e instanceof MissingBucketError)) throw e
    // The lock lives in the artifacts bucket, which the data stack creates: a first apply makes that stack first.
    rt.log(`lock: ${e.message}; first apply of ${env}: creating the data stack before taking the lock`)
    bootstrapSpecs = await triageStacks(specs.slice(0, 1), svc.stacks, !!opts.full)
    bootstrap = await applyStacks(bootstrapSpecs, svc.stacks, { commit: rt.commit, skip, log: rt.log })
    const failed = bootstrap.find((r) => r.outcome === 'failed')
    if (failed)
      return {
        code: 1,
        stacks: bootstrap,
        deployed: [],
        summary: stackFailureReport(failed as Extract<StackResult, { outcome: 'failed' }>),
      }
    held = await acquireLock(svc.lock, lockOpts)
  }
  opts.onLocked?.(held)
  try {
    // Read what is deployed only once the lock is held: no other apply can change it between this read and the writes.
    // Read once: the stack records below change only `stacks`, and the app revisions compared here are read here.
    const state = await readState(svc.store, env)
    const triaged = await triageStacks(specs.slice(bootstrap.length), svc.stacks, !!opts.full, state.stacks)
    const stacks = [...bootstrap, ...(await applyStacks(triaged, svc.stacks, { commit: rt.commit, skip, log: rt.log }))]
    // What each stack that went through a change set now runs, recorded even when a later stack failed.
    const records = await stackRecords([...bootstrapSpecs, ...triaged], stacks, svc.stacks)
    if (Object.keys(records).length)
      await updateState(svc.store, env, (s) => void (s.stacks = { ...s.stacks, ...records }))
    const failed = stacks.find((r) => r.outcome === 'failed')
    if (failed)
      return {
        code: 1,
        stacks,
        deployed: [],
        summary: stackFailureReport(failed as Extract<StackResult, { outcome: 'failed' }>),
      }

    const changed = desiredReleases(model, opts.root).filter((d) => state.apps[d.name]?.revision !== d.revision)
    const deployed: string[] = []
    let failure: string | undefined
    const deploy = async (d: DesiredRelease) => {
      const from = state.apps[d.name]?.revision ?? 'nothing'
      rt.log(
        `${d.name}: ${from} -> ${d.revision}: building the bundle from ${d.app ? opts.artifacts.describe : 'this checkout'}`,
      )
      const bundle = await buildRelease(d, opts.artifacts)
      const key = keys.bundle(env, d.name, bundle.sha256)
      // Content-addressed: the same bytes are never uploaded twice.
      const put = (await svc.store.head(key)) ?? (await svc.store.put(key, bundle.gz, 'application/gzip'))
      rt.log(
        `${d.name}: bundle s3://${svc.store.bucket}/${key} (${bundle.gz.length} bytes, ${bundle.files} files, SSE-KMS)`,
      )
      const r = await deployRelease(
        model,
        {
          app: d.name,
          version: d.version,
          revision: d.revision,
          sha256: bundle.sha256,
          bundle: { bucket: svc.store.bucket, key, eTag: put.eTag, versionId: put.versionId },
          files: Object.fromEntries(d.files.map((f) => [f.path, f.contents])),
        },
        'deploy',
        svc,
        rt,
      )
      if (!r.ok)
        failure ??= `apply ${env}: ${d.name} deployment ${r.deploymentId} ${r.followed.state.status}; CodeDeploy rolls it back; no deployment started after it`
      else deployed.push(d.name)
    }
    // One lane per instance group: an instance runs one deployment at a time, so a group's apps go one after another
    // while other groups' apps deploy side by side. After a failure no lane starts another deployment.
    // A lane that throws (S3, CodeDeploy unreachable) stops the others from starting; the error is thrown once every
    // lane has finished, so the lock is never released under a deployment that is still being followed.
    let thrown: { error: unknown } | undefined
    const lane = async (releases: DesiredRelease[]) => {
      for (const d of releases) {
        if (failure || thrown) return
        try {
          await deploy(d)
        } catch (error) {
          thrown ??= { error }
        }
      }
    }
    // The backup tool first, alone: its hosts make the database's TLS CA that the apps' instances fetch.
    await lane(changed.filter((d) => !d.app))
    await Promise.all(deploymentLanes(changed.filter((d) => d.app)).map(lane))
    if (thrown) throw thrown.error
    if (changed.length) await publishDelivery(model, svc, rt)
    // Lanes finish in any order; report in the order the releases were planned.
    deployed.sort((a, b) => changed.findIndex((d) => d.name === a) - changed.findIndex((d) => d.name === b))
    if (failure) return { code: 1, stacks, deployed, summary: failure }
    const count = (o: StackResult['outcome']) => stacks.filter((s) => s.outcome === o).length
    const stackLine = `stacks: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('skipped')} skipped`
    const nothing = count('created') + count('updated') === 0 && deployed.length === 0
    const summary = nothing
      ? `apply ${env}: nothing to do: every stack is up to date and every app runs its desired revision (${stackLine})`
      : `apply ${env}: done: ${stackLine}; apps deployed: ${deployed.join(', ') || 'none'}`
    return { code: 0, stacks, deployed, summary }
  } finally {
    await held.release()
  }
}
