// CodeDeploy: register a bundle in S3 as a revision, create an in-place deployment, read its status and per-instance lifecycle events (I/O: CodeDeploy).
import {
  BatchGetDeploymentTargetsCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  RegisterApplicationRevisionCommand,
  type CodeDeployClient,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy'
import { retrying } from './retry.ts'

export type BundleLocation = { bucket: string; key: string; eTag?: string; versionId?: string }
export type DeploymentRequest = {
  application: string
  group: string
  bundle: BundleLocation
  config: string
  rollbackEvents: string[]
  description: string
}
export type DeploymentState = {
  id: string
  status: string
  overview: Record<string, number>
  error?: { code: string; message: string }
  request?: Record<string, unknown>
}
export type Diagnostics = { errorCode: string; scriptName: string; message: string; logTail: string }
export type LifecycleEvent = { name: string; status: string; diagnostics?: Diagnostics }
export type InstanceState = { instanceId: string; status: string; events: LifecycleEvent[] }

export interface Deployer {
  /** false when the endpoint has no such operation (an emulator, emulator.ts): the deployment still names the revision. */
  register(application: string, bundle: BundleLocation, description: string): Promise<boolean>
  create(request: DeploymentRequest): Promise<string>
  get(id: string): Promise<DeploymentState>
  /** Per-instance progress, or undefined when the endpoint cannot list deployment targets. */
  instances(id: string): Promise<InstanceState[] | undefined>
}

const s3Revision = (b: BundleLocation) => ({
  revisionType: 'S3' as const,
  s3Location: { bucket: b.bucket, key: b.key, bundleType: 'tgz' as const, eTag: b.eTag, version: b.versionId },
})

export const codeDeployDeployer = (cd: CodeDeployClient): Deployer => {
  const send = retrying(cd)
  return {
    async register(application, bundle, description) {
      await send(
        new RegisterApplicationRevisionCommand({
          applicationName: application,
          revision: s3Revision(bundle),
          description,
        }),
      )
      return true
    },
    async create(r) {
      const out = await send<{ deploymentId?: string }>(
        new CreateDeploymentCommand({
          applicationName: r.application,
          deploymentGroupName: r.group,
          revision: s3Revision(r.bundle),
          deploymentConfigName: r.config,
          description: r.description,
          autoRollbackConfiguration: { enabled: true, events: r.rollbackEvents as never },
          fileExistsBehavior: 'OVERWRITE',
        }),
      )
      return out.deploymentId!
    },
    async get(id) {
      const d =
        (await send<{ deploymentInfo?: DeploymentInfo }>(new GetDeploymentCommand({ deploymentId: id })))
          .deploymentInfo ?? {}
      const o = d.deploymentOverview ?? {}
      return {
        id,
        status: d.status ?? 'Unknown',
        overview: {
          Pending: o.Pending ?? 0,
          InProgress: o.InProgress ?? 0,
          Succeeded: o.Succeeded ?? 0,
          Failed: o.Failed ?? 0,
          Skipped: o.Skipped ?? 0,
        },
        error: d.errorInformation?.code
          ? { code: String(d.errorInformation.code), message: d.errorInformation.message ?? '' }
          : undefined,
        request: {
          application: d.applicationName,
          group: d.deploymentGroupName,
          config: d.deploymentConfigName,
          autoRollback: d.autoRollbackConfiguration,
          fileExistsBehavior: d.fileExistsBehavior,
          revision: d.revision,
        },
      }
    },
    async instances(id) {
      const ids: string[] = []
      let token: string | undefined
      do {
        const r = await send<{ targetIds?: string[]; nextToken?: string }>(
          new ListDeploymentTargetsCommand({ deploymentId: id, nextToken: token }),
        )
        ids.push(...(r.targetIds ?? []))
        token = r.nextToken
      } while (token)
      const out: InstanceState[] = []
      for (let i = 0; i < ids.length; i += 25) {
        const r = await send<{
          deploymentTargets?: {
            instanceTarget?: {
              targetId?: string
              status?: string
              lifecycleEvents?: { lifecycleEventName?: string; status?: string; diagnostics?: Partial<Diagnostics> }[]
            }
          }[]
        }>(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ids.slice(i, i + 25) }))
        for (const t of r.deploymentTargets ?? []) {
          const it = t.instanceTarget
          if (!it) continue
          out.push({
            instanceId: it.targetId ?? '?',
            status: it.status ?? 'Unknown',
            events: (it.lifecycleEvents ?? []).map((e) => ({
              name: e.lifecycleEventName ?? '?',
              status: e.status ?? 'Unknown',
              diagnostics: e.diagnostics
                ? {
                    errorCode: e.diagnostics.errorCode ?? '',
                    scriptName: e.diagnostics.scriptName ?? '',
                    message: e.diagnostics.message ?? '',
                    logTail: e.diagnostics.logTail ?? '',
                  }
                : undefined,
            })),
          })
        }
      }
      return out.sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1))
    },
  }
}
