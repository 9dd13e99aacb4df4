// rollback ENV APP [--to REVISION]: redeploys a bundle that succeeded before, chosen from the audit log (I/O through Services).
import type { Model } from '../config/model.ts'
import { unpackEntries } from '../bundle/tar.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'
import { deployRelease } from './deploy-release.ts'
import { filesPrefix } from './desired.ts'
import { acquireLock, lockHolder } from './lock.ts'
import type { Runtime, Services } from './services.ts'
import { readAudit, readState, type AuditRecord } from './state.ts'

export class RollbackTargetError extends Error {}

/** The named revision (revision id, deployment id or bundle sha256 prefix), or the last good one that is not running now. */
export function rollbackTarget(
  records: AuditRecord[],
  app: string,
  current: string | undefined,
  to?: string,
): AuditRecord {
  const good = records.filter((r) => r.app === app && r.result === 'Succeeded').reverse()
  if (to) {
    const hit = good.find(
      (r) => r.revision === to || r.deploymentId === to || (to.length >= 8 && r.sha256.startsWith(to)),
    )
    if (!hit)
      throw new RollbackTargetError(
        `no successful deployment of ${app} with revision ${to}; known: ${[...new Set(good.map((r) => r.revision))].join(', ') || 'none'}`,
      )
    return hit
  }
  const hit = good.find((r) => r.revision !== current)
  if (!hit)
    throw new RollbackTargetError(
      `no earlier successful deployment of ${app} to roll back to (running ${current ?? 'nothing'})`,
    )
  return hit
}

export async function runRollback(
  model: Model,
  app: string,
  svc: Services,
  rt: Runtime,
  opts: { to?: string; forceUnlock?: boolean; lockTtlSeconds?: number },
): Promise<{ code: 0 | 1; summary: string }> {
  const env = model.env.name
  const groups = [...model.apps.map((a) => a.name), BACKUP_AGENT]
  if (!groups.includes(app)) throw new RollbackTargetError(`no app ${app} in ${env}; known: ${groups.join(', ')}`)
  const held = await acquireLock(svc.lock, lockHolder(rt, opts))
  try {
    const current = (await readState(svc.store, env)).apps[app]?.revision
    const target = rollbackTarget(await readAudit(svc.store, env), app, current, opts.to)
    const gz = await svc.store.get(target.bundleKey)
    if (!gz)
      throw new RollbackTargetError(
        `the bundle s3://${svc.store.bucket}/${target.bundleKey} of ${target.revision} is gone`,
      )
    // The rendered files the bundle carries become the "last applied" ones plan diffs against.
    const files = Object.fromEntries(
      (await unpackEntries(gz))
        .filter((e) => !/^(app|hooks|ops)\//.test(e.path))
        .map((e) => [`${filesPrefix(app)}${e.path}`, e.data.toString('utf8')]),
    )
    rt.log(
      `${app}: rolling back from ${current ?? 'nothing'} to ${target.revision} (deployment ${target.deploymentId} of ${target.endedAt})`,
    )
    const head = await svc.store.head(target.bundleKey)
    const r = await deployRelease(
      model,
      {
        app,
        version: target.version,
        revision: target.revision,
        sha256: target.sha256,
        bundle: { bucket: svc.store.bucket, key: target.bundleKey, eTag: head?.eTag, versionId: head?.versionId },
        files,
      },
      'rollback',
      svc,
      rt,
    )
    return r.ok
      ? {
          code: 0,
          summary: `rollback ${env} ${app}: now at ${target.revision} (deployment ${r.deploymentId}); the next apply deploys the desired revision again unless git is reverted too`,
        }
      : { code: 1, summary: `rollback ${env} ${app}: deployment ${r.deploymentId} ${r.followed.state.status}` }
  } finally {
    await held.release()
  }
}
