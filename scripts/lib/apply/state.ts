// Where apply keeps what it did, in the artifacts bucket: the deployed state, the audit log and bundle keys (I/O through ArtifactStore).
import type { ArtifactStore } from '../aws/artifact-store.ts'
import { errorName } from '../aws/retry.ts'
import type { StackRecord } from './fingerprint.ts'
import { byText } from '../order.ts'

export type DeployedApp = {
  version: string
  revision: string
  bundleKey: string
  sha256: string
  deploymentId: string
  deployedAt: string
  commit: string
}
/**
 * files: the rendered app files (appspec, vhost, deploy/) as last applied, for plan's diffs. stacks: what apply sent
 * each stack last and when the stack was then last updated, which lets a later run skip its change set (fingerprint.ts).
 */
export type DeployedState = {
  environment: string
  apps: Record<string, DeployedApp>
  files: Record<string, string>
  stacks?: Record<string, StackRecord>
}

export type AuditRecord = {
  environment: string
  app: string
  action: 'deploy' | 'rollback'
  who: string
  commit: string
  version: string
  revision: string
  bundleKey: string
  sha256: string
  deploymentId: string
  /** When the deployed commit was made (the pipeline's CommitterDate), for lead time; absent when unknown. */
  committedAt?: string
  startedAt: string
  endedAt: string
  result: 'Succeeded' | 'Failed' | 'Stopped'
  error?: string
}

export const keys = {
  state: (env: string) => `state/${env}/deployed.json`,
  auditPrefix: (env: string) => `audit/${env}/`,
  // Sortable by time; the deployment id keeps two records of one second apart.
  audit: (r: AuditRecord) =>
    `audit/${r.environment}/${r.endedAt.replace(/[:.]/g, '-')}-${r.app}-${r.deploymentId}.json`,
  bundle: (env: string, app: string, sha256: string) => `bundles/${env}/${app}/${sha256}.tar.gz`,
}

export async function readState(store: ArtifactStore, env: string): Promise<DeployedState> {
  // Before the first apply the data stack, and with it the bucket, does not exist yet: nothing is deployed.
  const body = await store.get(keys.state(env)).catch((e: unknown) => {
    if (errorName(e) === 'NoSuchBucket') return undefined
    throw e
  })
  return body ? (JSON.parse(body.toString('utf8')) as DeployedState) : { environment: env, apps: {}, files: {} }
}

export async function writeState(store: ArtifactStore, state: DeployedState): Promise<void> {
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]!]),
    )
  await store.put(
    keys.state(state.environment),
    JSON.stringify(
      {
        ...state,
        apps: sorted(state.apps),
        files: sorted(state.files),
        ...(state.stacks && { stacks: sorted(state.stacks) }),
      },
      null,
      2,
    ) + '\n',
    'application/json',
  )
}

const updates = new Map<string, Promise<void>>()

/**
 * Read, change and write the deployed state, one update at a time per environment in this process: deployments on
 * different instance groups finish side by side, and two read-modify-writes must not lose one another's app.
 */
export function updateState(store: ArtifactStore, env: string, change: (state: DeployedState) => void): Promise<void> {
  const next = (updates.get(env) ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      const state = await readState(store, env)
      change(state)
      await writeState(store, state)
    })
  updates.set(env, next)
  return next
}

/** S3 has no append: each record is its own object, and the log is the time-ordered listing. */
export async function appendAudit(store: ArtifactStore, record: AuditRecord): Promise<string> {
  const key = keys.audit(record)
  await store.put(key, JSON.stringify(record, null, 2) + '\n', 'application/json')
  return key
}

export async function readAudit(store: ArtifactStore, env: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = []
  for (const key of await store.list(keys.auditPrefix(env))) {
    const body = await store.get(key)
    if (body) records.push(JSON.parse(body.toString('utf8')) as AuditRecord)
  }
  return records.sort(byText((r) => r.endedAt))
}
