// Which stacks can skip their change set: a fingerprint of everything CloudFormation would deploy, kept as a stack tag — pure.
// A change set costs seconds to create, describe and delete on AWS, for each of an environment's stacks, on every plan and
// apply. A stack whose template, parameters, tags and deploy-time SSM values are exactly those of its last successful
// deploy cannot change, so it needs none. Anything not known to match (no tag yet, a status that is not a completed
// deploy, an SSM value that cannot be read, --full) takes the change set as before: a skip is only ever a proven no-op.
import { createHash } from 'node:crypto'
import type { StackSpec } from '../aws/stack-updater.ts'
import { byText } from '../order.ts'

export const FINGERPRINT_TAG = 'drsignet:fingerprint'

/** What one DescribeStacks page says about a deployed stack; `updatedAt` is its LastUpdatedTime (or CreationTime). */
export type DeployedStack = {
  status: string
  tags: Record<string, string>
  updatedAt: string
  parameters: Record<string, string>
}
/** What apply recorded (in the deployed state) after it last changed or checked a stack: what it sent, and when it was. */
export type StackRecord = { fingerprint: string; updatedAt: string }

const declared = (spec: StackSpec) =>
  (JSON.parse(spec.templateBody) as { Parameters?: Record<string, { Type?: string; Default?: string }> }).Parameters ??
  {}

/** The SSM parameter names the template resolves when it deploys (parameters of an AWS::SSM::Parameter::Value<…> type). */
export function ssmInputs(spec: StackSpec): string[] {
  const params = declared(spec)
  return Object.entries(params)
    .filter(([, p]) => p.Type?.startsWith('AWS::SSM::Parameter::Value<'))
    .map(([name, p]) => spec.parameters[name] ?? p.Default)
    .filter((n): n is string => !!n)
}

/** SHA-256 of the template, parameters, tags (but this one) and the SSM values it resolves, in a fixed order. */
export function stackFingerprint(spec: StackSpec, resolved: Record<string, string>): string {
  const sorted = (o: Record<string, string>) => Object.entries(o).sort(byText(([k]) => k))
  const tags = sorted(spec.tags).filter(([k]) => k !== FINGERPRINT_TAG)
  const ssm = ssmInputs(spec)
    .sort()
    .map((n) => [n, resolved[n] ?? null])
  return createHash('sha256')
    .update(JSON.stringify([spec.templateBody, sorted(spec.parameters), tags, ssm]))
    .digest('hex')
}

/**
 * Why a stack needs its change set, or undefined when it is proven unchanged: its tag, apply's record of what it sent
 * and the fingerprint of what it would send now agree, and the stack has not been updated since apply recorded it
 * (an update from the console or the CLI keeps the tags but moves LastUpdatedTime).
 */
export function needsChangeSet(
  spec: StackSpec,
  deployed: DeployedStack | undefined,
  record: StackRecord | undefined,
  resolved: Record<string, string>,
  full: boolean,
): string | undefined {
  if (full) return '--full'
  const unread = ssmInputs(spec).filter((n) => !(n in resolved))
  if (unread.length) return `SSM parameter ${unread.join(', ')} could not be read`
  if (!deployed) return 'new stack'
  const tag = deployed.tags[FINGERPRINT_TAG]
  if (!tag) return 'no fingerprint from an earlier apply'
  // A rolled-back or failed stack may not hold what its tag says; only a completed deploy is trusted.
  if (!/^(CREATE|UPDATE)_COMPLETE$/.test(deployed.status)) return `status ${deployed.status}`
  const fingerprint = stackFingerprint(spec, resolved)
  if (tag !== fingerprint) return 'changed'
  // The parameters the stack runs with come in the same DescribeStacks: a String or Number one changed by hand shows
  // here. NoEcho ones read as ****; lists and SSM names come back in other shapes (a resolved image id, a list's
  // rendering), so those are left to LastUpdatedTime below.
  const types = declared(spec)
  const scalar = (k: string) => types[k]?.Type === 'String' || types[k]?.Type === 'Number'
  const differs = Object.entries(spec.parameters)
    .filter(
      ([k, v]) =>
        scalar(k) && k in deployed.parameters && deployed.parameters[k] !== v && deployed.parameters[k] !== '****',
    )
    .map(([k]) => k)
  if (differs.length) return `parameter ${differs.join(', ')} differs from the deployed stack's`
  if (!record) return 'no record of its last apply'
  // An emulator that does not update tags on a change set shows here too: the record holds what was really sent.
  if (record.fingerprint !== fingerprint) return 'changed since its last apply'
  if (record.updatedAt !== deployed.updatedAt)
    return `updated outside apply (at ${deployed.updatedAt}, apply recorded ${record.updatedAt})`
  return undefined
}
