// drift ENV: stacks that drifted from their templates, and apps or instances not on their desired revision (I/O through Services).
import type { Model } from '../config/model.ts'
import { desiredReleases } from './bundle.ts'
import type { Services } from './services.ts'
import { stackSpecs, type PlannedStack } from './stacks.ts'
import { readState } from './state.ts'

export type DriftResult = { lines: string[]; drifted: number }

export async function runDrift(
  model: Model,
  svc: Services,
  opts: { skip?: (s: PlannedStack) => string | undefined; root?: string } = {},
): Promise<DriftResult> {
  const lines: string[] = []
  let drifted = 0
  for (const spec of stackSpecs(model, opts.root)) {
    const skipped = opts.skip?.(spec)
    if (skipped) {
      lines.push(`stack ${spec.stack}: skipped (${skipped})`)
      continue
    }
    const status = await svc.stacks.status(spec.stack)
    if (!status) {
      lines.push(`stack ${spec.stack}: does not exist`)
      drifted++
      continue
    }
    const d = await svc.stacks.drift(spec.stack)
    if (d.status === 'DRIFTED') drifted++
    lines.push(
      `stack ${spec.stack}: ${d.status === 'UNAVAILABLE' ? `drift detection unavailable (${d.unavailable})` : d.status}`,
    )
    for (const r of d.resources) lines.push(`  ${r.logicalId} (${r.type}): ${r.drift}`)
  }
  const state = await readState(svc.store, model.env.name)
  for (const d of desiredReleases(model, opts.root)) {
    const was = state.apps[d.name]
    if (was?.revision !== d.revision) {
      drifted++
      lines.push(`app ${d.name}: deployed ${was?.revision ?? '(none)'}, desired ${d.revision}`)
    } else lines.push(`app ${d.name}: at ${d.revision}`)
    if (!was) continue
    // An instance that did not succeed in the last deployment is not running its revision.
    const instances = await svc.deployer.instances(was.deploymentId)
    if (!instances) {
      lines.push(`  instances: not available from this endpoint`)
      continue
    }
    for (const i of instances)
      if (i.status !== 'Succeeded') {
        drifted++
        lines.push(`  ${i.instanceId}: ${i.status} in ${was.deploymentId}, not on ${was.revision}`)
      }
  }
  return { lines, drifted }
}
