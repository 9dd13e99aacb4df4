// Deploys one uploaded bundle with CodeDeploy, follows it, alerts on failure and records the outcome (I/O through Services).
import type { Model } from '../config/model.ts'
import { codeDeployApplication, topicName } from '../names.ts'
import type { BundleLocation } from '../aws/deployer.ts'
import { deploymentAlert } from './alert.ts'
import { filesPrefix } from './desired.ts'
import { followDeployment, type Followed } from './follow.ts'
import type { Runtime, Services } from './services.ts'
import { appendAudit, updateState, type AuditRecord } from './state.ts'

export type Release = {
  app: string
  version: string
  revision: string
  sha256: string
  bundle: BundleLocation
  files: Record<string, string>
}

export async function deployRelease(
  model: Model,
  release: Release,
  action: AuditRecord['action'],
  svc: Services,
  rt: Runtime,
): Promise<{ ok: boolean; followed: Followed; deploymentId: string }> {
  const { env } = model
  const application = codeDeployApplication(model.env.name)
  const startedAt = rt.now().toISOString()
  const description = `${action} ${release.app} ${release.version} (${release.revision}) commit ${rt.commit}`
  const registered = await svc.deployer.register(application, release.bundle, description)
  if (!registered)
    rt.log(`${release.app}: this endpoint cannot register revisions; the deployment names the bundle directly`)
  const id = await svc.deployer.create({
    application,
    group: release.app,
    bundle: release.bundle,
    config: env.deployment.config,
    // Auto-rollback on failure always, whatever else the environment asks for.
    rollbackEvents: [...new Set(['DEPLOYMENT_FAILURE', ...env.deployment.autoRollbackEvents])].sort(),
    description,
  })
  rt.log(
    `${release.app}: deployment ${id} created (${env.deployment.config}, s3://${release.bundle.bucket}/${release.bundle.key})`,
  )
  const followed = await followDeployment(svc.deployer, id, {
    label: release.app,
    log: rt.log,
    pollMs: rt.pollMs,
    timeoutMs: rt.timeoutMs,
  })
  const ok = followed.state.status === 'Succeeded'
  const record: AuditRecord = {
    environment: env.name,
    app: release.app,
    action,
    who: rt.who,
    commit: rt.commit,
    committedAt: rt.committedAt,
    version: release.version,
    revision: release.revision,
    bundleKey: release.bundle.key,
    sha256: release.sha256,
    deploymentId: id,
    startedAt,
    endedAt: rt.now().toISOString(),
    result: ok ? 'Succeeded' : followed.state.status === 'Stopped' ? 'Stopped' : 'Failed',
    error: ok
      ? undefined
      : [
          followed.state.error && `${followed.state.error.code}: ${followed.state.error.message}`,
          followed.failure && `${followed.failure.event} on ${followed.failure.instanceId}`,
        ]
          .filter(Boolean)
          .join('; ') || followed.state.status,
  }
  const auditKey = await appendAudit(svc.store, record)
  if (ok) {
    await updateState(svc.store, env.name, (state) => {
      state.apps[release.app] = {
        version: release.version,
        revision: release.revision,
        bundleKey: release.bundle.key,
        sha256: release.sha256,
        deploymentId: id,
        deployedAt: record.endedAt,
        commit: rt.commit,
      }
      for (const k of Object.keys(state.files)) if (k.startsWith(filesPrefix(release.app))) delete state.files[k]
      Object.assign(state.files, release.files)
    })
    rt.log(`${release.app}: deployed ${release.revision}; audit s3://${svc.store.bucket}/${auditKey}`)
  } else {
    const alert = deploymentAlert({
      environment: env.name,
      app: release.app,
      version: release.version,
      revision: release.revision,
      commit: rt.commit,
      who: rt.who,
      followed,
    })
    const topics = env.deployment.notify.map((t) => topicName(model.env.name, t))
    const sent = await svc.notifier.publish(topics, alert)
    rt.log(
      `${release.app}: deployment ${id} ${followed.state.status}; alert sent to ${sent.published.join(', ') || 'no topic'}${sent.missing.length ? ` (topics not found: ${sent.missing.join(', ')})` : ''}`,
    )
    for (const line of alert.message.trimEnd().split('\n')) rt.log(`  ${line}`)
  }
  return { ok, followed, deploymentId: id }
}
