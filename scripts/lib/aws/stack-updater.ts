// CloudFormation through change sets: preview (create, describe, delete), execute and wait, failures with reasons, drift (I/O: CloudFormation).
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
  type Capability,
  type Change,
  type StackEvent,
} from '@aws-sdk/client-cloudformation'
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm'
import { errorName, failsEveryCall, isUnparsable, retrying } from './retry.ts'
import type { DeployedStack } from '../apply/fingerprint.ts'

export type StackSpec = {
  stack: string
  templateBody: string
  parameters: Record<string, string>
  tags: Record<string, string>
}
export type ResourceChange = { action: string; logicalId: string; type: string; replacement?: string }
export type ChangeSetInfo = {
  id: string
  type: 'CREATE' | 'UPDATE'
  changes: ResourceChange[]
  noChanges: boolean
  failure?: string
}
export type FailedResource = { logicalId: string; type: string; status: string; reason: string }
export type StackOutcome = { status: string; failures: FailedResource[] }
export type DriftReport = {
  status: string
  resources: { logicalId: string; type: string; drift: string }[]
  unavailable?: string
}

export interface StackUpdater {
  /** The stack's status, or undefined when there is no such stack (or only an empty review stub). */
  status(stack: string): Promise<string | undefined>
  /** The parameters the stack runs with now (empty when there is no such stack). */
  parameters(stack: string): Promise<Record<string, string>>
  createChangeSet(spec: StackSpec, name: string): Promise<ChangeSetInfo>
  deleteChangeSet(stack: string, id: string, type: ChangeSetInfo['type']): Promise<void>
  execute(spec: StackSpec, cs: ChangeSetInfo): Promise<void>
  /** Polls until the stack leaves every *_IN_PROGRESS state; failures are the events of this operation that failed. */
  wait(stack: string, onEvent?: (line: string) => void): Promise<StackOutcome>
  drift(stack: string): Promise<DriftReport>
  /** Every stack in the region with its status and tags: one paginated DescribeStacks for the whole environment. */
  deployedStacks(): Promise<Map<string, DeployedStack>>
  /** The current values of these SSM parameters (GetParameters, 10 at a time); a name that cannot be read is absent. */
  resolveSsm(names: string[]): Promise<Record<string, string>>
}

export const CAPABILITIES: Capability[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']
/** A stack's template, parameters, tags and service role as CreateChangeSet and CreateStack take them. */
export const input = (spec: StackSpec, roleArn?: string) => ({
  StackName: spec.stack,
  TemplateBody: spec.templateBody,
  RoleARN: roleArn,
  Parameters: Object.entries(spec.parameters).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  })),
  Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
})
type ParameterList = { ParameterKey?: string; ParameterValue?: string }[]
/** DescribeStacks' Parameters as name → value. */
const parametersOf = (list: ParameterList | undefined) =>
  Object.fromEntries((list ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']))
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export const cfnStackUpdater = (
  cfn: CloudFormationClient,
  opts: { pollMs?: number; timeoutMs?: number; roleArn?: string; ssm?: SSMClient } = {},
): StackUpdater => {
  const send = retrying(cfn)
  const ssm = opts.ssm && retrying(opts.ssm)
  const pollMs = opts.pollMs ?? 5000
  const timeoutMs = opts.timeoutMs ?? 60 * 60_000
  const describe = async (stack: string) => {
    try {
      return (
        await send<{ Stacks?: { StackStatus?: string; Parameters?: ParameterList }[] }>(
          new DescribeStacksCommand({ StackName: stack }),
        )
      ).Stacks?.[0]
    } catch (e) {
      if (errorName(e) === 'ValidationError') return undefined
      throw e
    }
  }
  return {
    async status(stack) {
      const s = await describe(stack)
      return s?.StackStatus === 'REVIEW_IN_PROGRESS' ? undefined : s?.StackStatus
    },

    async parameters(stack) {
      const s = await describe(stack)
      return parametersOf(s?.Parameters)
    },

    async createChangeSet(spec, name) {
      const type = (await this.status(spec.stack)) ? 'UPDATE' : 'CREATE'
      let id: string
      try {
        id = (
          await send<{ Id?: string }>(
            new CreateChangeSetCommand({
              ...input(spec, opts.roleArn),
              ChangeSetName: name,
              ChangeSetType: type,
              Capabilities: CAPABILITIES,
            }),
          )
        ).Id!
      } catch (e) {
        // Some endpoints refuse an empty change set at once instead of creating a FAILED one.
        if (NO_CHANGES.test((e as Error).message ?? '')) return { id: '', type, changes: [], noChanges: true }
        throw e
      }
      for (const started = Date.now(); ; await sleep(Math.min(pollMs, 2000))) {
        const d = await send<{ Status?: string; StatusReason?: string; Changes?: Change[]; NextToken?: string }>(
          new DescribeChangeSetCommand({ ChangeSetName: id, StackName: spec.stack }),
        )
        if (d.Status === 'CREATE_COMPLETE' || d.Status === 'FAILED') {
          const changes: ResourceChange[] = []
          let page: typeof d | undefined = d
          while (page) {
            for (const c of page.Changes ?? []) {
              const r = c.ResourceChange
              if (r)
                changes.push({
                  action: r.Action ?? '?',
                  logicalId: r.LogicalResourceId ?? '?',
                  type: r.ResourceType ?? '?',
                  replacement: r.Replacement,
                })
            }
            page = page.NextToken
              ? await send<typeof d>(
                  new DescribeChangeSetCommand({ ChangeSetName: id, StackName: spec.stack, NextToken: page.NextToken }),
                )
              : undefined
          }
          const noChanges = d.Status === 'FAILED' && NO_CHANGES.test(d.StatusReason ?? '')
          return {
            id,
            type,
            changes,
            noChanges,
            failure: d.Status === 'FAILED' && !noChanges ? (d.StatusReason ?? 'change set failed') : undefined,
          }
        }
        if (Date.now() - started > timeoutMs) throw new Error(`${spec.stack}: change set ${name} still ${d.Status}`)
      }
    },

    async deleteChangeSet(stack, id, type) {
      if (!id) return
      await send(new DeleteChangeSetCommand({ ChangeSetName: id, StackName: stack }))
      // A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS; a preview must leave nothing behind.
      // The pull-request role is denied DeleteStack: then the stub stays, which is harmless (status() reads it as absent
      // and the next CREATE change set reuses it).
      if (type === 'CREATE' && (await describe(stack))?.StackStatus === 'REVIEW_IN_PROGRESS')
        await send(new DeleteStackCommand({ StackName: stack })).catch(() => {})
    },

    async execute(spec, cs) {
      await send(new ExecuteChangeSetCommand({ ChangeSetName: cs.id, StackName: spec.stack }))
    },

    async wait(stack, onEvent) {
      const started = Date.now()
      const seen = new Set<string>()
      for (;;) {
        const status = (await describe(stack))?.StackStatus ?? 'DELETE_COMPLETE'
        const events = (
          (await send<{ StackEvents?: StackEvent[] }>(new DescribeStackEventsCommand({ StackName: stack })))
            .StackEvents ?? []
        ).reverse()
        for (const e of events) {
          if (seen.has(e.EventId!)) continue
          seen.add(e.EventId!)
          onEvent?.(
            `${stack} ${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? `: ${e.ResourceStatusReason}` : ''}`,
          )
        }
        if (!status.endsWith('_IN_PROGRESS')) {
          // Only this operation's events: those after the last user-initiated start of the stack.
          const start = events
            .map((e) => e.LogicalResourceId === stack && e.ResourceStatusReason === 'User Initiated')
            .lastIndexOf(true)
          const failures = events
            .slice(start + 1)
            .filter((e) => /FAILED$/.test(e.ResourceStatus ?? '') && e.LogicalResourceId !== stack)
            .map((e) => ({
              logicalId: e.LogicalResourceId!,
              type: e.ResourceType ?? '?',
              status: e.ResourceStatus!,
              reason: e.ResourceStatusReason ?? '',
            }))
          return { status, failures }
        }
        if (Date.now() - started > timeoutMs)
          return {
            status,
            failures: [{ logicalId: stack, type: 'AWS::CloudFormation::Stack', status, reason: 'timed out waiting' }],
          }
        await sleep(pollMs)
      }
    },

    async deployedStacks() {
      const out = new Map<string, DeployedStack>()
      let token: string | undefined
      do {
        const page = await send<{
          Stacks?: {
            StackName?: string
            StackStatus?: string
            Tags?: { Key?: string; Value?: string }[]
            Parameters?: ParameterList
            CreationTime?: Date
            LastUpdatedTime?: Date
          }[]
          NextToken?: string
        }>(new DescribeStacksCommand({ NextToken: token }))
        for (const s of page.Stacks ?? []) {
          if (!s.StackName || s.StackStatus === 'REVIEW_IN_PROGRESS') continue
          const updatedAt = (s.LastUpdatedTime ?? s.CreationTime)?.toISOString() ?? ''
          out.set(s.StackName, {
            status: s.StackStatus ?? '',
            tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
            updatedAt,
            parameters: parametersOf(s.Parameters),
          })
        }
        token = page.NextToken
      } while (token)
      return out
    },

    async resolveSsm(names) {
      const out: Record<string, string> = {}
      if (!ssm) return out
      for (let i = 0; i < names.length; i += 10) {
        try {
          const r = await ssm<{ Parameters?: { Name?: string; Value?: string }[] }>(
            new GetParametersCommand({ Names: names.slice(i, i + 10) }),
          )
          for (const p of r.Parameters ?? []) if (p.Name && p.Value !== undefined) out[p.Name] = p.Value
        } catch (e) {
          // Unreadable values only cost their stacks the change set (needsChangeSet says which); no endpoint fails the run.
          if (failsEveryCall(e)) throw e
        }
      }
      return out
    },

    async drift(stack) {
      try {
        const { StackDriftDetectionId: id } = await send<{ StackDriftDetectionId?: string }>(
          new DetectStackDriftCommand({ StackName: stack }),
        )
        for (;;) {
          const s = await send<{ DetectionStatus?: string; StackDriftStatus?: string; DetectionStatusReason?: string }>(
            new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }),
          )
          if (s.DetectionStatus !== 'DETECTION_IN_PROGRESS') {
            const r = await send<{
              StackResourceDrifts?: {
                LogicalResourceId?: string
                ResourceType?: string
                StackResourceDriftStatus?: string
              }[]
            }>(
              new DescribeStackResourceDriftsCommand({
                StackName: stack,
                StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
              }),
            )
            return {
              status: s.StackDriftStatus ?? s.DetectionStatus ?? 'UNKNOWN',
              resources: (r.StackResourceDrifts ?? []).map((d) => ({
                logicalId: d.LogicalResourceId!,
                type: d.ResourceType ?? '?',
                drift: d.StackResourceDriftStatus ?? '?',
              })),
            }
          }
          await sleep(Math.min(pollMs, 2000))
        }
      } catch (e) {
        // No credentials or no endpoint is the command's failure, not this stack's.
        if (failsEveryCall(e)) throw e
        // Emulators (and some regions' resource types) lack drift detection: say so in one line rather than report "in sync".
        const why = isUnparsable(e)
          ? 'the endpoint does not implement drift detection'
          : `${errorName(e) || 'error'}: ${((e as Error).message ?? '').split('\n')[0]}`
        return { status: 'UNAVAILABLE', resources: [], unavailable: why }
      }
    },
  }
}
