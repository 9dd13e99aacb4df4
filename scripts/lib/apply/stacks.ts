// Applies the environment's stacks through change sets as their dependencies allow: create, wait, execute, wait; no new
// stack after the first failure (I/O through StackUpdater).
import type { Model } from '../config/model.ts'
import { changeSetName } from '../names.ts'
import type { ChangeSetInfo, FailedResource, StackSpec, StackUpdater } from '../aws/stack-updater.ts'
import { readTemplates } from '../render/render-all.ts'
import { renderStackFiles, stacksFromFiles } from '../render/stack-files.ts'
import { isUsable, recoveryCommand } from './recovery.ts'
import { FINGERPRINT_TAG, needsChangeSet, ssmInputs, stackFingerprint, type StackRecord } from './fingerprint.ts'
import { stackDependencies } from './stack-graph.ts'

/**
 * After triage: `unchanged` when its fingerprint proves the stack already runs exactly this (no change set, see
 * fingerprint.ts), otherwise `why` it needs one ('changed', 'new stack', 'no fingerprint from an earlier apply', …).
 */
export type PlannedStack = StackSpec & { template: string; after?: string[]; unchanged?: boolean; why?: string }

/**
 * The stacks in deployment order, read from the files render writes to build/ENV/cloudformation/ (checked against their
 * templates there), with their template as JSON (moto's YAML loader mishandles short-form tags over mappings).
 */
export function stackSpecs(model: Model, root?: string): PlannedStack[] {
  const templates = readTemplates(root)
  return stacksFromFiles(renderStackFiles(model, templates)).map((s) => ({
    ...s,
    templateBody: JSON.stringify(templates.get(s.template)),
  }))
}

/**
 * Tags every stack with its fingerprint and marks those proven unchanged: one DescribeStacks for the environment and one
 * GetParameters per ten SSM names, instead of a change set per stack. `full` trusts no fingerprint.
 */
export async function triageStacks(
  specs: PlannedStack[],
  updater: StackUpdater,
  full: boolean,
  records: Record<string, StackRecord> = {},
): Promise<PlannedStack[]> {
  const deployed = full ? new Map() : await updater.deployedStacks()
  const names = [...new Set(specs.flatMap(ssmInputs))].sort()
  const resolved = names.length ? await updater.resolveSsm(names) : {}
  return specs.map((s) => {
    const tagged = { ...s, tags: { ...s.tags, [FINGERPRINT_TAG]: stackFingerprint(s, resolved) } }
    const why = needsChangeSet(s, deployed.get(s.stack), records[s.stack], resolved, full)
    return why === undefined ? { ...tagged, unchanged: true } : { ...tagged, why }
  })
}

/**
 * What apply records for the stacks that went through a change set and came out complete: the fingerprint it sent and
 * the stack's LastUpdatedTime now (one DescribeStacks), so the next triage can trust the tag. None when all were skipped.
 */
export async function stackRecords(
  specs: PlannedStack[],
  results: StackResult[],
  updater: StackUpdater,
): Promise<Record<string, StackRecord>> {
  const checked = results
    .filter((r) => r.outcome === 'created' || r.outcome === 'updated' || r.outcome === 'unchanged')
    .map((r) => specs.find((s) => s.stack === r.stack)!)
    .filter((s) => !s.unchanged)
  if (!checked.length) return {}
  const now = await updater.deployedStacks()
  return Object.fromEntries(
    checked
      .filter((s) => now.has(s.stack))
      .map((s) => [s.stack, { fingerprint: s.tags[FINGERPRINT_TAG]!, updatedAt: now.get(s.stack)!.updatedAt }]),
  )
}

export type StackResult =
  | { stack: string; outcome: 'unchanged' | 'created' | 'updated' }
  | { stack: string; outcome: 'skipped'; reason: string }
  | { stack: string; outcome: 'failed'; status: string; failures: FailedResource[]; recovery?: string; reason?: string }

// Change set names must be unique per stack while they exist and match [a-zA-Z][-a-zA-Z0-9]*.

/**
 * At most this many stacks change at once. CloudFormation allows far more concurrent operations; the bound keeps the
 * DescribeStacks/DescribeStackEvents polling of the stacks in flight well under the API's request rate.
 */
export const STACK_CONCURRENCY = 4

type ApplyStackOptions = {
  commit: string
  skip: (s: PlannedStack) => string | undefined
  log: (line: string) => void
  concurrency?: number
}

/**
 * Applies the stacks as their dependencies allow (stack-graph.ts): a stack starts once every stack it waits for is done,
 * up to `concurrency` at a time. After the first failure no stack starts; those already changing finish. Results come
 * in the order of `specs`, for the stacks that ran.
 */
export async function applyStacks(
  specs: PlannedStack[],
  updater: StackUpdater,
  opts: ApplyStackOptions,
): Promise<StackResult[]> {
  const deps = stackDependencies(specs)
  const bound = opts.concurrency ?? STACK_CONCURRENCY
  const results = new Map<string, StackResult>()
  const running = new Map<string, Promise<void>>()
  let stop = false
  let thrown: { error: unknown } | undefined
  const ready = (s: PlannedStack) =>
    [...deps.get(s.stack)!].every((d) => results.has(d) && results.get(d)!.outcome !== 'failed')
  for (;;) {
    for (const s of specs) {
      if (stop || running.size >= bound) break
      if (results.has(s.stack) || running.has(s.stack) || !ready(s)) continue
      const work = applyOne(s, updater, opts)
        .then(
          (r) => {
            results.set(s.stack, r)
            if (r.outcome === 'failed') stop = true
          },
          (error) => {
            // No credentials, no endpoint: the command's failure, reported once the stacks in flight have finished.
            thrown ??= { error }
            stop = true
          },
        )
        .finally(() => running.delete(s.stack))
      running.set(s.stack, work)
    }
    if (!running.size) break
    await Promise.race(running.values())
  }
  if (thrown) throw thrown.error
  return specs.filter((s) => results.has(s.stack)).map((s) => results.get(s.stack)!)
}

async function applyOne(spec: PlannedStack, updater: StackUpdater, opts: ApplyStackOptions): Promise<StackResult> {
  const skipped = opts.skip(spec)
  if (skipped) {
    opts.log(`stack ${spec.stack}: skipped (${skipped})`)
    return { stack: spec.stack, outcome: 'skipped', reason: skipped }
  }
  if (spec.unchanged) {
    opts.log(`stack ${spec.stack}: unchanged (its fingerprint matches the last apply; no change set)`)
    return { stack: spec.stack, outcome: 'unchanged' }
  }
  const before = await updater.status(spec.stack)
  if (!isUsable(before)) {
    opts.log(`stack ${spec.stack}: ${before}; not touching it`)
    return {
      stack: spec.stack,
      outcome: 'failed',
      status: before!,
      failures: [],
      recovery: recoveryCommand(spec.stack, before!),
      reason: `the stack is ${before}`,
    }
  }
  if (spec.why) opts.log(`stack ${spec.stack}: change set (${spec.why})`)
  let cs: ChangeSetInfo
  try {
    cs = await updater.createChangeSet(spec, changeSetName('apply', opts.commit))
  } catch (e) {
    opts.log(`stack ${spec.stack}: change set refused: ${(e as Error).message}`)
    return {
      stack: spec.stack,
      outcome: 'failed',
      status: before ?? 'NONE',
      failures: [],
      reason: (e as Error).message,
    }
  }
  if (cs.noChanges) {
    await updater.deleteChangeSet(spec.stack, cs.id, cs.type)
    opts.log(`stack ${spec.stack}: no changes`)
    return { stack: spec.stack, outcome: 'unchanged' }
  }
  if (cs.failure) {
    await updater.deleteChangeSet(spec.stack, cs.id, cs.type)
    opts.log(`stack ${spec.stack}: change set failed: ${cs.failure}`)
    return { stack: spec.stack, outcome: 'failed', status: before ?? 'NONE', failures: [], reason: cs.failure }
  }
  opts.log(
    `stack ${spec.stack}: executing ${cs.type === 'CREATE' ? 'create' : 'update'} (${cs.changes.length} resource changes)`,
  )
  let done
  try {
    await updater.execute(spec, cs)
    done = await updater.wait(spec.stack, (line) => opts.log(`  ${line}`))
  } catch (e) {
    const status = (await updater.status(spec.stack).catch(() => undefined)) ?? 'UNKNOWN'
    opts.log(`stack ${spec.stack}: executing the change set failed: ${(e as Error).message}`)
    return {
      stack: spec.stack,
      outcome: 'failed',
      status,
      failures: [],
      reason: `executing the change set failed: ${(e as Error).message}`,
      recovery: recoveryCommand(spec.stack, status),
    }
  }
  opts.log(`stack ${spec.stack}: ${done.status}`)
  if (/^(CREATE|UPDATE)_COMPLETE$/.test(done.status))
    return { stack: spec.stack, outcome: cs.type === 'CREATE' ? 'created' : 'updated' }
  for (const f of done.failures) opts.log(`  failed: ${f.logicalId} (${f.type}) ${f.status}: ${f.reason}`)
  return {
    stack: spec.stack,
    outcome: 'failed',
    status: done.status,
    failures: done.failures,
    recovery: recoveryCommand(spec.stack, done.status),
  }
}

export function stackFailureReport(r: Extract<StackResult, { outcome: 'failed' }>): string {
  const lines = [`stack ${r.stack} failed (${r.status})${r.reason ? `: ${r.reason}` : ''}`]
  for (const f of r.failures) lines.push(`  ${f.logicalId} (${f.type}) ${f.status}: ${f.reason}`)
  if (r.recovery) lines.push(`  to recover: ${r.recovery}`)
  return lines.join('\n')
}
