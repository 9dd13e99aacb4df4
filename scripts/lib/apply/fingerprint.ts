// Which stacks can skip their change set: a fingerprint of everything CloudFormation would deploy, kept as a stack tag — pure.
// A change set costs seconds to create, describe and delete on AWS, for each of an environment's stacks, on every plan and
// apply. A stack whose template, parameters, tags and deploy-time SSM values are exactly those of its last successful
// deploy cannot change, so it needs none. Anything not known to match (no tag yet, a status that is not a completed
// deploy, an SSM value that cannot be read, --full) takes the change set as before: a skip is only ever a proven no-op.
import { createHash } from 'node:crypto'
import type { StackSpec } from '../aws/stack-updater.ts'

export const FINGERPRINT_TAG = 'drsignet:fingerprint'

/** What one DescribeStacks page says about a deployed stack. */
export type DeployedStack = { status: string; tags: Record<string, string> }

/** The SSM parameter names the template resolves when it deploys (parameters of an AWS::SSM::Parameter::Value<…> type). */
export function ssmInputs(spec: StackSpec): string[] {
  const params = (JSON.parse(spec.templateBody) as { Parameters?: Record<string, { Type?: string; Default?: string }> }).Parameters ?? {}
  return Object.entries(params)
    .filter(([, p]) => p.Type?.startsWith('AWS::SSM::Parameter::Value<'))
    .map(([name, p]) => spec.parameters[name] ?? p.Default)
    .filter((n): n is string => !!n)
}

/** SHA-256 of the template, parameters, tags (but this one) and the SSM values it resolves, in a fixed order. */
export function stackFingerprint(spec: StackSpec, resolved: Record<string, string>): string {
  const sorted = (o: Record<string, string>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const tags = sorted(spec.tags).filter(([k]) => k !== FINGERPRINT_TAG)
  const ssm = ssmInputs(spec).sort().map((n) => [n, resolved[n] ?? null])
  return createHash('sha256').update(JSON.stringify([spec.templateBody, sorted(spec.parameters), tags, ssm])).digest('hex')
}

/** Why a stack needs its change set, or undefined when its fingerprint proves it unchanged. */
export function needsChangeSet(spec: StackSpec, deployed: DeployedStack | undefined, resolved: Record<string, string>, full: boolean): string | undefined {
  if (full) return '--full'
  const unread = ssmInputs(spec).filter((n) => !(n in resolved))
  if (unread.length) return `SSM parameter ${unread.join(', ')} could not be read`
  if (!deployed) return 'new stack'
  const tag = deployed.tags[FINGERPRINT_TAG]
  if (!tag) return 'no fingerprint from an earlier apply'
  // A rolled-back or failed stack may not hold what its tag says; only a completed deploy is trusted.
  if (!/^(CREATE|UPDATE)_COMPLETE$/.test(deployed.status)) return `status ${deployed.status}`
  return tag === stackFingerprint(spec, resolved) ? undefined : 'changed'
}
