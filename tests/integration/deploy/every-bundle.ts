// The suite behind every-bundle-ENV-PART.test.ts: every revision bundle of one environment, as apply builds it from the
// YAML in this repository (each app of the environment and the backup tool), through the real CodeDeploy agent
// on one booted instance per instance group: a first deployment, a redeployment of the same revision, then a new
// version. Every lifecycle event must succeed; each app must answer through its nginx vhost, from processes of its
// own user, with its .env 0600 and that user's; the backup tool's timer must be active and its URI the backup user's.
// I/O: starts moto, FerretDB, booted instances (systemd, nginx, pm2, Node apps) and relays; stops them all.
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { App, Model } from '../../../scripts/lib/config/model.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../../scripts/lib/bundle/backup-agent.ts'
import { buildBundle } from '../../../scripts/lib/bundle/build.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import { createFleet, destroyFleet, launchInstance, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec, pathIn, type Instance } from '../../../scripts/lib/deploy-local/instance.ts'
import type { Progress } from '../../../scripts/lib/deploy-local/lifecycle.ts'
import { deployRevision, type DeployResult } from '../../../scripts/lib/deploy-local/runner.ts'
import { backupAgentPaths, mongoCaKeys } from '../../../scripts/lib/render/backup-paths.ts'
import { clientEnvFile, clientEnvKey } from '../../../scripts/lib/database/users.ts'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { renderAppFiles } from '../../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../../scripts/lib/render/render-all.ts'
import { configWithAddress } from '../../harness/database-address.ts'
import { installDatabase, newVolume, withVolume } from '../../../scripts/lib/deploy-local/database-instance.ts'
import { startMoto, type Moto, motoS3, createBuckets } from '../../harness/moto.ts'
import { freePort } from '../../harness/ports.ts'
import { requireTool } from '../../harness/tools.ts'
import { writeSampleApp } from '../../../scripts/lib/sandbox/sample-app.ts'
import { explain, instanceRoleEnv, processesIn, readIn, statIn, userIn } from './support.ts'

/** Every event the agent runs for an in-place deployment, which must all succeed; the runner adds the traffic steps. */
// Any PEM certificate will do for the file's journey; the TLS handshake itself is proven in backup-agent.test.ts.
const DATABASE_CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n'
const EVENTS = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
]

type Reply = { status: number; body: string }
const get = (host: string, port: number, path: string, hostHeader: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, headers: { host: hostHeader }, timeout: 5000 }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)))
    req.on('error', reject)
    req.end()
  })

/** `part`: the apps, or the backup tool (each file stays well inside the runner's per-file time limit). */
export function everyBundle(env: string, part: 'apps' | 'backup') {
  const work = mkdtempSync(join(tmpdir(), `every-${env}-`))
  // The backup part holds the database's address: one of its own, so that it never answers another file's clients.
  const sample = readModel('.', env)
  const config =
    part === 'backup' ? configWithAddress(work, env, sample.env.database.address.replace(/\.\d+$/, '.20')) : '.'
  const model = part === 'backup' ? readModel(config, env) : sample
  const fleets = new Map<string, Fleet>() // instance group -> a one-instance fleet
  let moto: Moto
  let s3: S3Client
  const passEnv = () => instanceRoleEnv(moto, model.env.region)
  const instanceOf = (group: string) => fleets.get(group)!.instances[0]!

  test.before(async () => {
    for (const t of ['nginx', 'ip', 'curl', 'systemctl', 'npm']) requireTool(t)
    moto = await startMoto()
    s3 = motoS3(moto, model.env.region)
    await createBuckets(s3, model.env.region, [model.env.secrets.bucket, model.env.backup.bucket])
    for (const app of model.apps)
      await s3.send(
        new PutObjectCommand({
          Bucket: model.env.secrets.bucket,
          Key: `${model.env.secrets.prefix}/${app.name}/.env`,
          Body: `SECRET_OF=${app.name}\n`,
        }),
      )
    // The connection string the database host writes for one client app; the other client has none yet.
    await s3.send(
      new PutObjectCommand({
        Bucket: model.env.secrets.bucket,
        Key: clientEnvKey(model, 'patient-api'),
        Body: clientEnvFile(model, 'patient-api', 'pw'),
      }),
    )
    // The database's CA, as the database host leaves it: every app gets its certificate.
    if (part === 'apps')
      await s3.send(
        new PutObjectCommand({
          Bucket: model.env.secrets.bucket,
          Key: mongoCaKeys(model.env.secrets.prefix).cert,
          Body: DATABASE_CA,
        }),
      )
    // No load balancer here (apps sharing a group listen on different ports): each app is asked through its own
    // nginx port on the instance, as its target group's health check does.
    const groups = part === 'apps' ? model.apps.map((a) => a.instanceGroup) : [model.env.backup.instanceGroup]
    for (const group of new Set(groups)) {
      if (part === 'backup') {
        // The database instance: its data volume and, once booted, MongoDB and the fixed address (database-instance.ts).
        const f = await createFleet(join(work, group), 0, [])
        installDatabase(await launchInstance(f, withVolume(newVolume(work, 'data'))), model)
        fleets.set(group, f)
      } else fleets.set(group, await createFleet(join(work, group), 1, []))
    }
  })

  test.after(async () => {
    for (const f of fleets.values()) destroyFleet(f)
    await moto?.stop()
    if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
  })

  /** Deploys and checks that the agent ran every event, each to success. */
  async function deploy(f: Fleet, bundle: string): Promise<DeployResult> {
    const seen: Progress[] = []
    const r = await deployRevision(f, bundle, { passEnv: passEnv(), onProgress: (p) => void seen.push(p) })
    assert.ok(r.ok, explain(r))
    const done = seen.filter((p) => p.status === 'ok').map((p) => p.event)
    for (const e of EVENTS) assert.ok(done.includes(e), `${bundle}: ${e} did not succeed (${done.join(' ')})`)
    assert.not.ok(seen.some((p) => p.status === 'failed'))
    return r
  }

  async function expectApp(i: Instance, app: App) {
    const reply = await get(i.nsIp, app.proxyPort, '/api/status', app.hosts[0]!)
    assert.is(reply.status, 200, `${app.name}: ${reply.body}`)
    const body = JSON.parse(reply.body)
    assert.equal({ app: body.app, version: body.version }, { app: app.name, version: app.version })
    assert.is(userIn(i, body.uid), app.user, `${app.name} answers from its own user's process`)
    const workers = processesIn(i, `${instancePaths(app).appDir}/${app.start.script}`)
    assert.ok(
      workers.length >= 1 && workers.every((w) => w.user === app.user),
      `${app.name}: ${JSON.stringify(workers)}`,
    )
    const env = statIn(i, instancePaths(app).envFile)
    assert.is(env.mode & 0o777, 0o600, `${app.name}: .env mode`)
    assert.is(userIn(i, env.uid), app.user, `${app.name}: .env owner`)
    // The app's own lines, then the connection string the database host made (the last MONGODB_URI wins).
    const lines = readIn(i, instancePaths(app).envFile)
    assert.ok(lines.startsWith(`SECRET_OF=${app.name}\n`), lines)
    assert.is(
      lines.includes(`MONGODB_URI=mongodb://patient-api:pw@${model.env.database.address}:`),
      app.name === 'patient-api',
      `${app.name}: ${lines}`,
    )
    const ca = statIn(i, instancePaths(app).mongoCa)
    assert.equal(
      [ca.uid, ca.mode & 0o777, readIn(i, instancePaths(app).mongoCa)],
      [0, 0o644, DATABASE_CA],
      `${app.name}: the database's CA`,
    )
    if (app.kind === 'spa') {
      const page = await get(i.nsIp, app.proxyPort, '/index.html', app.hosts[0]!)
      assert.is(page.status, 200)
      assert.ok(page.body.includes(`<title>${app.version}</title>`), page.body)
      assert.is((await get(i.nsIp, app.proxyPort, '/static/js/main.js', app.hosts[0]!)).status, 200)
    }
  }

  for (const base of part === 'apps' ? model.apps : []) {
    test(`${env}: ${base.name} deploys, redeploys and takes a new version under the agent`, async () => {
      const f = fleets.get(base.instanceGroup)!
      const build = async (app: App) => {
        const m: Model = { ...model, apps: model.apps.map((a) => (a.name === app.name ? app : a)) }
        const dir = join(work, 'artifacts', `${app.name}-${app.version}`)
        writeSampleApp(dir, app)
        return (
          await buildBundle(app, renderAppFiles(app, m, loadNginxTemplates()), {
            artifactDir: dir,
            outDir: join(work, 'bundles'),
          })
        ).file
      }
      const first = await build(base)
      await deploy(f, first)
      await expectApp(f.instances[0]!, base)
      await deploy(f, first)
      await expectApp(f.instances[0]!, base)
      const next = { ...base, version: `${base.version}-next` }
      await deploy(f, await build(next))
      await expectApp(f.instances[0]!, next)
    })
  }

  if (part === 'backup')
    test(`${env}: the backup tool deploys, redeploys and takes a new version under the agent`, async () => {
      const f = fleets.get(model.env.backup.instanceGroup)!
      const i = f.instances[0]!
      const build = async (extra: string) => {
        // A new version: the environment's YAML as a later commit has it (a comment changes the revision).
        const ops = readOpsSnapshot(env, config).map((e) =>
          e.path === `environments/${env}.yaml` ? { ...e, data: Buffer.concat([e.data, Buffer.from(extra)]) } : e,
        )
        const gz = await packEntries(backupAgentEntries(model, { ops, hooks: backupHookEntries() }))
        const file = join(work, 'bundles', `backup-${contentHash(gz).slice(0, 12)}.tar.gz`)
        mkdirSync(join(work, 'bundles'), { recursive: true })
        writeFileSync(file, gz)
        return file
      }
      const expectBackup = (r: DeployResult) => {
        assert.is(readlinkSync(pathIn(i, backupAgentPaths.current)), `releases/${r.agentDeployments[i.name]}`)
        assert.is(instanceExec(i, ['systemctl', 'is-active', `drsignet-backup-${env}.timer`]).stdout.trim(), 'active')
        const envFile = statIn(i, backupAgentPaths.envFile)
        assert.is(envFile.mode & 0o777, 0o600)
        assert.is(userIn(i, envFile.uid), backupAgentPaths.user)
      }
      // The same lock file: a later release links the running one's dependencies instead of installing them again.
      const dependency = (r: DeployResult) =>
        statIn(i, `${backupAgentPaths.releases}/${r.agentDeployments[i.name]}/node_modules/yaml/package.json`)
      const first = await build('')
      const one = await deploy(f, first)
      expectBackup(one)
      const again = await deploy(f, first)
      expectBackup(again)
      const next = await deploy(f, await build('# a later commit\n'))
      expectBackup(next)
      assert.equal(
        [dependency(again).ino, dependency(next).ino],
        [dependency(one).ino, dependency(one).ino],
        'dependencies linked, not installed again',
      )
      assert.is(dependency(next).uid, 0)
    })
}
