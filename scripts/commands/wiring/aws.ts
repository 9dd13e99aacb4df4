// Shared wiring for plan, apply, rollback, history, drift and metrics: model, services, the account guard, who and which
// commit, stack skips (I/O: env, git, STS).
import { quietTry } from '../../lib/shell.ts'
import { resolve } from 'node:path'
import { readModel } from '../../lib/config/read.ts'
import type { Model } from '../../lib/config/model.ts'
import { awsServices } from '../../lib/aws/services.ts'
import { callerInAccount } from '../../lib/aws/identity.ts'
import type { Runtime, Services } from '../../lib/apply/services.ts'
import type { PlannedStack } from '../../lib/apply/stacks.ts'

export const progress = (line: string) => {
  process.stderr.write(line + '\n')
}

// An endpoint override means an emulator (moto): its gaps are worked around in lib/aws/emulator.ts.
export const usingEmulator = () => !!process.env.AWS_ENDPOINT_URL

export function commitOf(flag: unknown): string {
  if (typeof flag === 'string' && flag) return flag
  if (process.env.CODEBUILD_RESOLVED_SOURCE_VERSION) return process.env.CODEBUILD_RESOLVED_SOURCE_VERSION
  // Outside a checkout (a CodePipeline artifact) git fails; the commit is then unknown, never a guess.
  const head = quietTry`git rev-parse --short=12 HEAD`
  return (head.ok && head.stdout.trim()) || 'unknown'
}

/**
 * When the commit was made: COMMIT_TIME (the pipeline passes its source's CommitterDate; a CodePipeline artifact has
 * no .git), else git, else unknown. Normalised to ISO 8601 UTC.
 */
export function commitTimeOf(commit: string): string | undefined {
  let raw = process.env.COMMIT_TIME
  if (!raw && commit !== 'unknown') {
    const shown = quietTry`git show -s --format=%cI ${commit}`
    raw = shown.ok ? shown.stdout.trim() : undefined
  }
  const t = raw ? Date.parse(raw) : NaN
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined
}

/** --skip-template FILE (repeatable): stacks of those templates are reported as skipped, never applied. */
export function skipTemplates(values: unknown): ((s: PlannedStack) => string | undefined) | undefined {
  const list = (Array.isArray(values) ? values : []) as string[]
  if (!list.length) return undefined
  return (s) => (list.includes(s.template) ? `--skip-template ${s.template}` : undefined)
}

export type Wired = { model: Model; svc: Services; rt: Runtime }

export async function wire(
  values: { root?: string; commit?: unknown; 'role-arn'?: unknown },
  env: string,
  pollMs = 5000,
): Promise<Wired> {
  const model = readModel(resolve(values.root ?? '.'), env)
  const roleArn = typeof values['role-arn'] === 'string' ? values['role-arn'] : process.env.OPS_CFN_ROLE_ARN
  const all = awsServices(model, { pollMs, emulator: usingEmulator(), roleArn })
  // Before anything else reads or changes the environment: these credentials must be for its account.
  const caller = await callerInAccount(all.clients.sts, model.env)
  const who = process.env.CODEBUILD_BUILD_ARN ? `${caller.arn} (${process.env.CODEBUILD_BUILD_ARN})` : caller.arn
  const commit = commitOf(values.commit)
  const rt: Runtime = {
    log: progress,
    now: () => new Date(),
    pollMs,
    timeoutMs: 60 * 60_000,
    who,
    commit,
    committedAt: commitTimeOf(commit),
  }
  return { model, svc: all, rt }
}
