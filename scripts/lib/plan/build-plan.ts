// plan ENV: previews every stack through a change set (created, described, deleted), compares each app's deployed and desired
// revision, and diffs the rendered app files against the last applied ones (I/O through StackUpdater and ArtifactStore).
import { createTwoFilesPatch } from 'diff'
import type { Model } from '../config/model.ts'
import type { ResourceChange, StackUpdater } from '../aws/stack-updater.ts'
import type { ArtifactStore } from '../aws/artifact-store.ts'
import { desiredReleases } from '../apply/bundle.ts'
import { isUsable, recoveryCommand } from '../apply/recovery.ts'
import { STACK_CONCURRENCY, stackSpecs, triageStacks, type PlannedStack } from '../apply/stacks.ts'
import { changeSetName } from '../names.ts'
import { mapBounded } from '../apply/bounded.ts'
import { expectedApplySeconds, type StackWork } from './apply-duration.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'
import { environmentDiagram, toMermaid } from '../render/diagram.ts'
import { readState } from '../apply/state.ts'

/** One parameter whose value changes; `from` is undefined for a parameter the stack does not have yet. */
export type ParameterChange = { key: string; from?: string; to?: string }
export type StackPlan = {
  stack: string
  template: string
  action: 'create' | 'update' | 'none' | 'skipped' | 'blocked' | 'error'
  changes: ResourceChange[]
  /** For an update: what the reviewer changed in YAML, as CloudFormation will see it (`BackupRetentionDays: 7 → 10`). */
  parameters?: ParameterChange[]
  note?: string
}

/** The parameters whose values differ, sorted by name. */
export function parameterChanges(now: Record<string, string>, desired: Record<string, string>): ParameterChange[] {
  return [...new Set([...Object.keys(now), ...Object.keys(desired)])]
    .sort()
    .filter((key) => now[key] !== desired[key])
    .map((key) => ({ key, from: now[key], to: desired[key] }))
}
export type AppPlan = {
  app: string
  deployed?: { version: string; revision: string }
  desired: { version: string; revision: string }
  changed: boolean
}
export type FileDiff = { path: string; patch: string }
/** Which code computed a pull request's plan: the target branch's, and the tool files the pull request changes. */
export type PlanTools = { commit: string; changed: string[] }
/** expectedSeconds: how long the apply should take on AWS, from the latency model of apply-duration.ts. */
export type Plan = {
  environment: string
  stacks: StackPlan[]
  apps: AppPlan[]
  diffs: FileDiff[]
  tools?: PlanTools
  expectedSeconds?: number
  diagram?: string /* Mermaid */
}

/** The note on a stack whose fingerprint proved it unchanged, so it had no change set. */
export const UNCHANGED_NOTE = 'fingerprint matches the last apply; no change set'

export const isReplacement = (c: ResourceChange) => c.replacement === 'True' || c.replacement === 'Conditional'

export async function buildPlan(
  model: Model,
  svc: { stacks: StackUpdater; store: ArtifactStore },
  opts: {
    commit: string
    root?: string
    full?: boolean
    skip?: (s: PlannedStack) => string | undefined
    log?: (l: string) => void
  },
): Promise<Plan> {
  const log = opts.log ?? (() => {})
  // Previews change nothing, so every stack's is made side by side (bounded as apply is), reported in stack order.
  const state = await readState(svc.store, model.env.name)
  const triaged = await triageStacks(stackSpecs(model, opts.root), svc.stacks, !!opts.full, state.stacks)
  const stacks = await mapBounded(triaged, STACK_CONCURRENCY, async (spec): Promise<StackPlan> => {
    const base = { stack: spec.stack, template: spec.template, changes: [] as ResourceChange[] }
    const skipped = opts.skip?.(spec)
    if (skipped) return { ...base, action: 'skipped', note: skipped }
    if (spec.unchanged) return { ...base, action: 'none', note: UNCHANGED_NOTE }
    const status = await svc.stacks.status(spec.stack)
    if (!isUsable(status))
      return {
        ...base,
        action: 'blocked',
        note: `the stack is ${status}; to recover: ${recoveryCommand(spec.stack, status!) ?? 'wait for the current operation'}`,
      }
    log(`plan: change set for ${spec.stack}${spec.why ? ` (${spec.why})` : ''}`)
    try {
      const cs = await svc.stacks.createChangeSet(spec, changeSetName('plan', opts.commit))
      await svc.stacks.deleteChangeSet(spec.stack, cs.id, cs.type)
      if (cs.failure) return { ...base, action: 'error', note: cs.failure }
      if (cs.noChanges || cs.type === 'CREATE')
        return { ...base, action: cs.noChanges ? 'none' : 'create', changes: cs.changes }
      return {
        ...base,
        action: 'update',
        changes: cs.changes,
        parameters: parameterChanges(await svc.stacks.parameters(spec.stack), spec.parameters),
      }
    } catch (e) {
      // One stack's refusal (a missing import on a first deploy, say) must not hide the others.
      return { ...base, action: 'error', note: (e as Error).message }
    }
  })

  const desired = desiredReleases(model, opts.root)
  const apps: AppPlan[] = desired.map((d) => {
    const was = state.apps[d.name]
    return {
      app: d.name,
      deployed: was && { version: was.version, revision: was.revision },
      desired: { version: d.version, revision: d.revision },
      changed: was?.revision !== d.revision,
    }
  })
  const diffs: FileDiff[] = []
  const snippetsShown = new Set<string>()
  for (const d of desired) {
    for (const f of d.files) {
      // Appspec and the app's own vhost are what a reviewer must see; the shared snippets (every app carries the
      // same copy) show once, in the first app whose copy changed.
      const snippet = /\/nginx\/drsignet\/[^/]+$/.exec(f.path)?.[0]
      const shown =
        f.path.endsWith('/appspec.yml') ||
        f.path.endsWith(`/nginx/${d.name}.conf`) ||
        /\/(deploy|systemd)\//.test(f.path) ||
        (snippet !== undefined && !snippetsShown.has(snippet))
      const before = state.files[f.path]
      if (!shown || before === f.contents) continue
      if (snippet) snippetsShown.add(snippet)
      diffs.push({
        path: f.path,
        patch: createTwoFilesPatch(
          `a/${f.path}`,
          `b/${f.path}`,
          before ?? '',
          f.contents,
          before === undefined ? '(never applied)' : '(last applied)',
          '(desired)',
          { context: 3 },
        ),
      })
    }
  }
  const action = new Map(stacks.map((s) => [s.stack, s]))
  const work = (stack: string): StackWork => {
    const s = action.get(stack)
    if (s?.action === 'create' || s?.action === 'update') return s.action
    return s?.action === 'none' && s.note !== UNCHANGED_NOTE ? 'change set' : 'none'
  }
  const changedApps = apps.filter((a) => a.changed).map((a) => a.app)
  const expectedSeconds = expectedApplySeconds(
    model,
    triaged,
    work,
    changedApps.filter((a) => a !== BACKUP_AGENT),
    changedApps.includes(BACKUP_AGENT),
  )
  return {
    environment: model.env.name,
    stacks,
    apps,
    diffs,
    expectedSeconds,
    diagram: toMermaid(environmentDiagram(model)),
  }
}
