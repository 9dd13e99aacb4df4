// `sandbox`: one environment on this machine, from nothing to its apps answering at 127.0.0.1, the way the pipeline
// does it on AWS: moto for AWS, booted local instances with the real CodeDeploy agent for EC2, `ops release` for the
// apps' releases and apply for everything else; then the plan a version bump would show (I/O: all of it).
import { request } from 'node:http'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { $, quietTry } from '../shell.ts'
import { InputError } from '../cli/errors.ts'
import type { App, Model } from '../config/model.ts'
import { readModel } from '../config/read.ts'
import { storeArtifacts } from '../apply/bundle.ts'
import { runApply } from '../apply/run-apply.ts'
import type { Runtime } from '../apply/services.ts'
import { applyStacks, stackFailureReport, stackSpecs, triageStacks } from '../apply/stacks.ts'
import { awsServices } from '../aws/services.ts'
import { requireCachedTool } from '../deploy-local/cached-tools.ts'
import { installDatabase, newVolume, withVolume } from '../deploy-local/database-instance.ts'
import { createFleet, launchInstance, type Fleet } from '../deploy-local/fleet.ts'
import { fleetDeployer } from '../deploy-local/fleet-deployer.ts'
import { freeLoopbackPort } from '../deploy-local/free-port.ts'
import { missingPrerequisites } from '../deploy-local/instance.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'
import { secretsStore } from '../database/credentials.ts'
import { appSecretKey } from '../names.ts'
import { buildPlan } from '../plan/build-plan.ts'
import { formatText } from '../plan/format.ts'
import { createDeploymentGroups, instanceRoleEnv, motoCertificate, motoEnv, motoSkip, startMotoDaemon } from './moto.ts'
import { writeSampleApp } from './sample-app.ts'
import { readSandbox, saveSandbox, type AppUrl, type SandboxState } from './state.ts'

export type SandboxOptions = { root: string; dir: string; env: string; say: (line: string) => void }

/** The next patch version: what the plan after the sandbox is up shows a pull request changing. */
export const nextPatch = (version: string) =>
  version.replace(/^(\d+\.\d+\.)(\d+)(.*)$/, (_m, head: string, patch: string) => `${head}${Number(patch) + 1}`)

/** What is missing here, one line each with its fix; and where moto_server is, when it is there. */
function prerequisites(): { missing: string[]; motoBin: string } {
  const missing = missingPrerequisites()
  const motoBin = quietTry`command -v moto_server`.stdout.trim()
  if (!motoBin) missing.push('moto_server: pip install "moto[server]" (bash .ci/install.d/30-python.sh)')
  try {
    requireCachedTool('ferretdb')
  } catch (e) {
    missing.push((e as Error).message)
  }
  return { missing, motoBin }
}

/** GET through the app's listener with its host name, as a browser behind the ALB would ask. */
export const answer = (url: string, host: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers: { host }, timeout: 5000, agent: false }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 5 s`)))
    req.on('error', reject)
    req.end()
  })

/** `ops release APP VERSION --from DIR --env ENV`, as the app repository's CI runs it. */
async function release(o: SandboxOptions, app: App, version: string) {
  const from = join(o.dir, 'apps', app.name, version)
  writeSampleApp(from, app, version)
  const r = await $({
    cwd: o.root,
    nothrow: true,
    quiet: true,
  })`${process.execPath} --import tsx scripts/ops.ts release ${app.name} ${version} --from ${from} --env ${o.env}`
  if (r.exitCode !== 0) throw new Error(`ops release ${app.name} ${version} failed: ${r.stderr.trim()}`)
  o.say(r.stdout.trim())
}

export async function sandboxUp(o: SandboxOptions): Promise<SandboxState> {
  const { missing, motoBin } = prerequisites()
  if (missing.length) throw new InputError(`the sandbox cannot start here; missing:\n  ${missing.join('\n  ')}`)
  if (readSandbox(o.dir))
    throw new InputError(`a sandbox is already up in ${o.dir}; stop it with npm run sandbox -- down`)
  mkdirSync(o.dir, { recursive: true })
  const yaml = readModel(o.root, o.env)
  const state: SandboxState = { env: o.env, fleets: [], urls: [] }
  saveSandbox(o.dir, state)

  // 1. AWS: moto, in the environment's account, and every AWS call from here on goes to it.
  state.moto = await startMotoDaemon({
    bin: motoBin,
    account: yaml.env.account,
    log: join(o.dir, 'moto.log'),
  })
  saveSandbox(o.dir, state)
  Object.assign(process.env, motoEnv(state.moto.endpoint, yaml.env.region))
  o.say(`moto: ${state.moto.endpoint} (account ${yaml.env.account}, ${yaml.env.region})`)
  // The load balancer's certificate must be one moto's ACM issued.
  const certificateArn = await motoCertificate(state.moto.endpoint, yaml.apps.find((a) => a.hosts[0])?.hosts[0] ?? 'x')
  const model: Model = { ...yaml, env: { ...yaml.env, loadBalancer: { ...yaml.env.loadBalancer, certificateArn } } }

  // 2. EC2: one booted instance per instance group, each app behind its own listener; the database instance with
  // its data volume and MongoDB (FerretDB reading mongod.conf), as its launch template leaves it.
  const fleets = new Map<string, Fleet>()
  for (const group of model.env.instanceGroups) {
    const dir = join(o.dir, 'fleets', group.name)
    const apps = model.apps.filter((a) => a.instanceGroup === group.name)
    if (group.name === model.env.backup.instanceGroup) {
      const f = await createFleet(dir, 0, [])
      fleets.set(group.name, f)
      state.fleets.push(dir)
      saveSandbox(o.dir, state)
      installDatabase(await launchInstance(f, withVolume(newVolume(o.dir, 'data'))), model)
    } else if (apps.length) {
      const targets = []
      for (const a of apps) targets.push({ app: a.name, proxyPort: a.proxyPort, lbPort: await freeLoopbackPort() })
      fleets.set(group.name, await createFleet(dir, 1, targets))
      state.fleets.push(dir)
    } else continue
    saveSandbox(o.dir, state)
    o.say(`instance group ${group.name}: ${fleets.get(group.name)!.instances.length} instance booted`)
  }

  // 3. What moto's CloudFormation cannot make, made directly; then the data stack alone, whose artifacts bucket
  // the releases go to, as a new environment's first apply makes it first.
  const svc = awsServices(model, { pollMs: 500, emulator: true })
  await createDeploymentGroups(model)
  const rt: Runtime = {
    log: o.say,
    now: () => new Date(),
    pollMs: 500,
    timeoutMs: 30 * 60_000,
    who: 'sandbox',
    commit: 'sandbox',
  }
  const [data] = stackSpecs(model, o.root)
  const [made] = await applyStacks(await triageStacks([data!], svc.stacks, false), svc.stacks, {
    commit: rt.commit,
    skip: motoSkip,
    log: o.say,
  })
  if (made?.outcome === 'failed') throw new Error(stackFailureReport(made))

  // Each app's secrets, as an operator uploads them (SSE-KMS, the environment's key): sample values, never real ones.
  const secrets = secretsStore(svc.clients.s3, { bucket: model.env.secrets.bucket, kmsKey: model.env.secrets.kmsKey })
  for (const app of model.apps)
    await secrets.write(appSecretKey(model.env.secrets.prefix, app.name), `SANDBOX_SECRET=${app.name}-sample\n`)

  // 4. Releases, as each app's CI publishes them; then apply: every stack moto can make, every deployment through
  // the agent on the fleets, the backup tool first (its host makes the database users and CA the apps fetch).
  for (const app of model.apps) await release(o, app, app.version)
  const passEnv = instanceRoleEnv(state.moto.endpoint, model.env.region)
  const groupOf = (group: string) =>
    group === BACKUP_AGENT
      ? model.env.backup.instanceGroup
      : (model.apps.find((a) => a.name === group)?.instanceGroup ?? '')
  const deployer = fleetDeployer({
    base: svc.deployer,
    fleetOf: (group) => fleets.get(groupOf(group)),
    download: async (b) => {
      const gz = await svc.store.get(b.key)
      if (!gz) throw new Error(`s3://${b.bucket}/${b.key} is not there`)
      return gz
    },
    passEnv,
  })
  const applied = await runApply(model, { ...svc, deployer }, rt, {
    artifacts: storeArtifacts(svc.store),
    root: o.root,
    skipStack: motoSkip,
  })
  o.say(applied.summary)
  if (applied.code !== 0)
    throw new InputError(`${applied.summary}\nthe sandbox stays up for a look; npm run sandbox -- down stops it`)

  // 5. Where each app answers.
  for (const [group, f] of fleets) {
    for (const t of f.targets) {
      const app = model.apps.find((a) => a.name === t.app)!
      const url = `http://127.0.0.1:${t.lbPort}/`
      const got = await answer(url, app.hosts[0] ?? '127.0.0.1')
      if (got.status !== 200) throw new Error(`${app.name} on ${group}: ${url} answered ${got.status}: ${got.body}`)
      state.urls.push({ app: app.name, version: app.version, url, host: app.hosts[0] ?? '' })
    }
  }
  saveSandbox(o.dir, state)

  // 6. A version bump, released, and the plan its pull request would show.
  const bumped = model.apps[0]!
  const next = nextPatch(bumped.version)
  await release(o, bumped, next)
  const nextModel: Model = {
    ...model,
    apps: model.apps.map((a) => (a.name === bumped.name ? { ...a, version: next } : a)),
  }
  const plan = await buildPlan(nextModel, svc, { commit: 'sandbox', root: o.root, skip: motoSkip })
  o.say(`\nthe plan of a pull request that sets ${bumped.name} to ${next} in environments/${o.env}.yaml:\n`)
  o.say(formatText(plan).trimEnd())
  return state
}

export const urlLines = (urls: AppUrl[]) =>
  urls.map((u) => `  ${u.app} ${u.version}: curl -H 'Host: ${u.host}' ${u.url}`)
