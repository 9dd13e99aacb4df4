// Runs one revision's lifecycle on one local instance the way the CodeDeploy agent does (I/O).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { extractBundle } from '../bundle/build.ts'
import { fromPreviousRevision, lifecycle, parseAppspec, type Appspec } from './appspec.ts'
import { nodeBinDir, run, runLogged } from './exec.ts'
import { allowTraffic, blockTraffic, type Fleet, type Instance } from './fleet.ts'
import { installRevision } from './install.ts'
import { relayEndpoint } from './relay.ts'

export type Progress = { instance: string; event: string; status: 'start' | 'ok' | 'failed' | 'skipped'; ms?: number; detail?: string; deploymentId: string }
export type Deployment = { id: string; groupId: string; groupName: string; application: string; bundle: string }
export type InstanceOutcome = { ok: true } | { ok: false; event: string; log?: string; reason: string }

export type LifecycleOptions = {
  onProgress?: (p: Progress) => void | Promise<void>
  passEnv?: Record<string, string> // local stand-ins for what an instance's environment gives every hook (the role's credentials, endpoints)
}

const binPath = new URL('../../../node_modules/.bin', import.meta.url).pathname

const agentDir = (i: Instance, groupId: string) => join(i.root, 'opt/codedeploy-agent/deployment-root', groupId)
const lastGoodFile = (i: Instance, groupId: string) => join(i.root, 'opt/codedeploy-agent/deployment-root/deployment-instructions', `${groupId}_last_successful_install`)
const cleanupFile = (i: Instance, groupId: string) => join(i.root, 'opt/codedeploy-agent/deployment-root/deployment-instructions', `${groupId}-cleanup`)

function userExists(user: string) {
  return run('id', ['-u', user], { allowFail: true }).trim() !== ''
}

export async function deployToInstance(f: Fleet, i: Instance, d: Deployment, opts: LifecycleOptions = {}): Promise<InstanceOutcome> {
  const progress = async (p: Omit<Progress, 'instance' | 'deploymentId'>) => opts.onProgress?.({ ...p, instance: i.name, deploymentId: d.id })
  const base = join(agentDir(i, d.groupId), d.id)
  const archive = join(base, 'deployment-archive')
  const logs = join(base, 'logs')
  mkdirSync(logs, { recursive: true })
  mkdirSync(join(i.root, 'opt/codedeploy-agent/deployment-root/deployment-instructions'), { recursive: true })
  const prevArchive = existsSync(lastGoodFile(i, d.groupId)) ? readFileSync(lastGoodFile(i, d.groupId), 'utf8').trim() : undefined
  const prevSpec = prevArchive && existsSync(join(prevArchive, 'appspec.yml')) ? parseAppspec(readFileSync(join(prevArchive, 'appspec.yml'), 'utf8')) : undefined
  let spec: Appspec | undefined
  let step = 0

  const runHooks = async (event: string, from: Appspec, dir: string): Promise<InstanceOutcome> => {
    for (const h of from.hooks[event] ?? []) {
      const log = join(logs, `${String(++step).padStart(2, '0')}-${event}.log`)
      // As the agent does it: `su USER -c SCRIPT`, which runs the user's own shell (a nologin user fails here too).
      const asUser = h.runas && h.runas !== 'root' && userExists(h.runas) ? ['su', h.runas, '-c'] : []
      const note = h.runas && h.runas !== 'root' && !asUser.length ? ` (runas ${h.runas}: no such local user)` : ''
      writeFileSync(log, `# ${event} ${h.location} timeout=${h.timeout}s runas=${h.runas ?? 'root'}${note}\n`)
      const env: NodeJS.ProcessEnv = {
        PATH: `${binPath}:${nodeBinDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        LIFECYCLE_EVENT: event,
        DEPLOYMENT_ID: d.id,
        APPLICATION_NAME: d.application,
        DEPLOYMENT_GROUP_NAME: d.groupName,
        DEPLOYMENT_GROUP_ID: d.groupId,
        DEPLOY_ROOT: i.root,
        HOME: i.root,
        ...opts.passEnv,
      }
      let relay
      if (env.AWS_ENDPOINT_URL) {
        relay = await relayEndpoint(env.AWS_ENDPOINT_URL, i.hostIp)
        if (relay) env.AWS_ENDPOINT_URL = relay.url
      }
      const r = await runLogged(['ip', 'netns', 'exec', i.netns, ...asUser, join(dir, h.location)], { cwd: dir, env, logFile: log, timeoutMs: h.timeout * 1000 })
      await relay?.close()
      if (!r.ok) return { ok: false, event, log, reason: r.timedOut ? `ScriptTimedOut after ${h.timeout}s` : `ScriptFailed with exit code ${r.code}` }
    }
    return { ok: true }
  }

  for (const entry of lifecycle) {
    const event = entry.replace('*', '')
    const started = Date.now()
    const fromPrev = fromPreviousRevision.has(event)
    const hookSpec = entry.startsWith('*') ? undefined : fromPrev ? prevSpec : spec
    if (!entry.startsWith('*') && !hookSpec?.hooks[event]?.length) { await progress({ event, status: 'skipped' }); continue }
    await progress({ event, status: 'start' })
    try {
      let out: InstanceOutcome = { ok: true }
      if (entry === '*BlockTraffic') await blockTraffic(f, i.name)
      else if (entry === '*AllowTraffic') await allowTraffic(f, i.name)
      else if (entry === '*DownloadBundle') {
        await extractBundle(d.bundle, archive)
        spec = parseAppspec(readFileSync(join(archive, 'appspec.yml'), 'utf8'))
      } else if (entry === '*Install') {
        const r = installRevision(spec!, archive, i.root, cleanupFile(i, d.groupId))
        if (r.notes.length) await progress({ event, status: 'start', detail: r.notes.join('; ') })
      } else out = await runHooks(event, hookSpec!, fromPrev ? prevArchive! : archive)
      if (!out.ok) {
        await progress({ event, status: 'failed', ms: Date.now() - started, detail: out.reason })
        return out
      }
      await progress({ event, status: 'ok', ms: Date.now() - started })
    } catch (e) {
      await progress({ event, status: 'failed', ms: Date.now() - started, detail: (e as Error).message })
      return { ok: false, event, reason: (e as Error).message }
    }
  }
  writeFileSync(lastGoodFile(i, d.groupId), `${archive}\n`)
  return { ok: true }
}
