// Proof, under load through the load balancer, with no failed request: a new version reaches 2 booted instances
// through the real CodeDeploy agent; then instances come and go. Two apps share the group, as patient-api and
// doctor-api share `api` (the second sorts after the first here, so a launch deploys the load balancer's app first);
// the load balancer is patient-api's target group. An impaired instance is replaced, the group scales 2 → 3 → 2, and
// a refresh replaces every instance; each new instance gets both apps at their last good revisions before the load
// balancer sends it a request. A launch whose second app fails (its secret is gone) after the first joined the load
// balancer is drained and terminated. Apps run as their own users; secrets land 0600 and are never logged.
// I/O: starts moto, nginx (the load balancer) and booted instances (systemd, nginx, pm2, Node apps); stops them all.
// test-timeout: 420 s
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import {
  LaunchFailed,
  refreshInstances,
  replaceInstance,
  scaleTo,
  type ScalingOptions,
} from '../../../scripts/lib/deploy-local/scaling.ts'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto, motoS3 } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import {
  explain,
  filesContaining,
  makeBundle,
  processesIn,
  putSecret,
  startLoad,
  statIn,
  testApp,
  userIn,
  versionAt,
} from './support.ts'

const secret = `s3cr3t-${process.pid}-${Date.now().toString(36)}`
const patient = testApp('1.0.0')
const records = testApp('7.0.0', {
  name: 'records-api',
  user: 'drsignet-rec',
  port: 3002,
  proxyPort: 8082,
  hosts: ['records-api.drsignet.com'],
})
const secrets = fixtureModel([records]).env.secrets
let moto: Moto
let fleet: Fleet | undefined
let load: ReturnType<typeof startLoad> | undefined
const work = mkdtempSync(join(tmpdir(), 'deploy-zd-'))

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([patient]), patient, `DB_PASSWORD=${secret}\nNODE_OPTIONS_EXTRA=\n`)
  await putSecret(moto.endpoint, fixtureModel([records]), records, 'DB_PASSWORD=x\n')
})

test.after(async () => {
  await load?.stop()
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

const names = (f: Fleet) => f.instances.map((i) => i.name)

test('a new version, then replace, scale out and in, refresh, a failed launch: 0 failed requests; new instances get both apps first', async () => {
  // Two apps on one group, each behind its own listener (its target group), as patient-api and doctor-api on staging's api.
  const f = (fleet = await createFleet(join(work, 'fleet'), 2, [
    { app: patient.name, proxyPort: patient.proxyPort, lbPort: await freePort() },
    { app: records.name, proxyPort: records.proxyPort, lbPort: await freePort() },
  ]))
  const inService = () => f.targets.map((t) => t.allowed)
  const opts: ScalingOptions = { passEnv: moto.env, onStep: (m) => console.log(`  ${m}`) }
  for (const app of [patient, records]) {
    const r = await deployRevision(f, await makeBundle(join(work, 'bundles'), app), opts)
    assert.ok(r.ok, explain(r))
  }
  for (const i of f.instances) {
    const st = statIn(i, '/etc/drsignet/patient-api/.env')
    assert.is(st.mode & 0o777, 0o600, i.name)
    assert.is(userIn(i, st.uid), 'drsignet-test', `${i.name}: the .env belongs to the app user`)
    for (const app of [patient, records]) {
      const workers = processesIn(i, `${instancePaths(app).appDir}/dist/server.js`)
      assert.is(workers.length, 2, `${i.name}: two cluster workers of ${app.name}`)
      assert.ok(
        workers.every((w) => w.user === app.user),
        `${i.name}: ${JSON.stringify(workers)}`,
      )
    }
  }

  // v2 of patient-api, one instance at a time, under load.
  load = startLoad(f.targets[0]!.lbPort, 4, 300_000)
  await new Promise((r) => setTimeout(r, 1000))
  const v2 = await deployRevision(f, await makeBundle(join(work, 'bundles'), testApp('2.0.0')), opts)
  const v2At = Date.now()
  assert.ok(v2.ok, explain(v2))
  await new Promise((r) => setTimeout(r, 1000))
  assert.is(load.stats.failed, 0, load.stats.errors.join('\n'))
  assert.ok(load.stats.versions.get('1.0.0')! > 0 && load.stats.versions.get('2.0.0')! > 0)

  const bothApps = async (name: string) => {
    const i = f.instances.find((x) => x.name === name)!
    assert.is(await versionAt(i.nsIp, patient.proxyPort), '2.0.0', `${name}: patient-api`)
    assert.is(await versionAt(i.nsIp, records.proxyPort, records.hosts[0]), '7.0.0', `${name}: records-api`)
  }
  const figures: string[] = []
  const step = async (label: string, run: () => Promise<{ inServiceMs: number }[]>) => {
    const before = load!.stats.sent
    const started = Date.now()
    const launches = await run()
    const inService = launches.map((l) => `${(l.inServiceMs / 1000).toFixed(1)} s`).join(', ') || '—'
    figures.push(
      `${label}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${load!.stats.sent - before} requests, launch to in service ${inService}`,
    )
    assert.is(load!.stats.failed, 0, `${label}: ${load!.stats.errors.join('\n')}`)
  }
  await step('replace i1', async () => [await replaceInstance(f, f.instances[0]!, opts)])
  assert.equal(
    [names(f), inService()],
    [
      ['i2', 'i3'],
      [
        ['i2', 'i3'],
        ['i2', 'i3'],
      ],
    ],
  )
  await bothApps('i3')
  await step('scale 2 → 3', () => scaleTo(f, 3, opts))
  assert.equal(inService(), [
    ['i2', 'i3', 'i4'],
    ['i2', 'i3', 'i4'],
  ])
  await bothApps('i4')
  await step('scale 3 → 2', () => scaleTo(f, 2, opts))
  assert.equal(names(f), ['i3', 'i4'], 'scale-in takes the oldest instance')
  await step('refresh', () => refreshInstances(f, opts))
  assert.equal(
    [names(f), inService()],
    [
      ['i5', 'i6'],
      [
        ['i5', 'i6'],
        ['i5', 'i6'],
      ],
    ],
  )
  for (const n of ['i5', 'i6']) await bothApps(n)

  // records-api's secret is gone: its launch deployment fails in BeforeInstall after patient-api's put the instance in
  // patient-api's target group; the group abandons it, so it leaves every listener before it is terminated.
  const s3 = motoS3(moto, 'ap-south-1')
  await s3.send(new DeleteObjectCommand({ Bucket: secrets.bucket, Key: `${secrets.prefix}/records-api/.env` }))
  const err = await scaleTo(f, 3, opts).then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.instance(err, LaunchFailed, String(err))
  assert.is((err as LaunchFailed).app, 'records-api')
  assert.equal(
    [names(f), inService()],
    [
      ['i5', 'i6'],
      [
        ['i5', 'i6'],
        ['i5', 'i6'],
      ],
    ],
    'the failed launch is terminated',
  )
  const upstreams = [...readFileSync(join(f.dir, 'lb/nginx.conf'), 'utf8').matchAll(/server (10\.[\d.]+):/g)].map(
    (m) => m[1],
  )
  assert.equal(
    upstreams,
    [...f.instances, ...f.instances].map((i) => i.nsIp),
    'neither listener sends anything to the terminated instance',
  )
  // Each app answers on its own listener: patient-api's deployments never moved records-api's target group.
  assert.is(await versionAt('127.0.0.1', f.targets[0]!.lbPort), '2.0.0')
  assert.is(await versionAt('127.0.0.1', f.targets[1]!.lbPort, records.hosts[0]), '7.0.0')

  await new Promise((r) => setTimeout(r, 500))
  const stats = await load.stop()
  load = undefined
  for (const line of figures) console.log(line)
  console.log(`load: ${stats.sent} requests, ${stats.failed} failed, versions ${JSON.stringify([...stats.versions])}`)
  assert.is(stats.failed, 0, stats.errors.join('\n'))
  const after = stats.log.filter((l) => l.t > v2At + 50)
  assert.ok(
    after.length > 0 && after.every((l) => l.version === '2.0.0'),
    'a response after the v2 deploy came from v1',
  )
  assert.equal(filesContaining(work, secret), [])
})

test.run()
