// The runner's own decisions: what a bundle says and refuses, deployment ids, the last good revision per app, and a
// failed instance that stops the deployment and gets the rollback first (temp folders; tar.gz bundles in memory; an
// instance whose disk cannot be made fails to boot after its network namespace is made, removed after).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { packEntries } from '../../scripts/lib/bundle/tar.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { revisionsDir, type Fleet, type Instance } from '../../scripts/lib/deploy-local/fleet.ts'
import { removeNetwork } from '../../scripts/lib/deploy-local/instance.ts'
import { unbootableInstance } from '../harness/test-instance.ts'
import type { Progress } from '../../scripts/lib/deploy-local/lifecycle.ts'
import {
  bundleMeta,
  deployRevision,
  lastGoodOf,
  nextDeployment,
  releasedApps,
} from '../../scripts/lib/deploy-local/runner.ts'

const work = mkdtempSync(join(tmpdir(), 'runner-'))
const made: Instance[] = []
test.after(() => {
  for (const i of made) removeNetwork(i)
  rmSync(work, { recursive: true, force: true })
})

const file = (path: string, text: string) => ({ path, data: Buffer.from(text), mode: 0o644 })
const appspec = (hooks = 'hooks:\n  AfterInstall:\n    - location: hooks/after-install.sh\n') =>
  file('appspec.yml', `version: 0.0\nos: linux\n${hooks}`)
const environment = (app: string, env = 'staging', proxyPort: number | null = 8081) =>
  file('deploy/environment.json', JSON.stringify({ app, environment: env, proxyPort: proxyPort ?? undefined }))

async function bundle(name: string, entries: ReturnType<typeof file>[]): Promise<string> {
  const path = join(work, 'in', name)
  mkdirSync(join(work, 'in'), { recursive: true })
  writeFileSync(path, await packEntries(entries))
  return path
}

let fleets = 0
function fleet(over: Partial<Fleet> = {}): Fleet {
  const f: Fleet = { dir: join(work, `fleet${++fleets}`), id: 'ab12cd', targets: [], instances: [], deployments: 0 }
  Object.assign(f, over)
  mkdirSync(revisionsDir(f), { recursive: true })
  return f
}
const saved = (f: Fleet) => JSON.parse(readFileSync(join(f.dir, 'fleet.json'), 'utf8')) as Fleet

function unbootable(n: number): Instance {
  const i = unbootableInstance(work, n, { letter: 't', octet: 200 })
  made.push(i)
  return i
}
const cannotBoot = (i: Instance) => `ENOTDIR: not a directory, mkdir '${i.dir}/disk'`

test("a bundle's deploy/environment.json names its app, environment and the app's nginx port", async () => {
  const b = await bundle('ok.tar.gz', [appspec(), environment('patient-api', 'production', 8081)])
  assert.equal(await bundleMeta(b), { app: 'patient-api', environment: 'production', proxyPort: 8081 })
  const db = await bundle('db.tar.gz', [appspec(), environment('backup', 'staging', null)])
  assert.equal(await bundleMeta(db), { app: 'backup', environment: 'staging' }, 'the database group has no port')
})

test('hooks that CodeDeploy runs on the far side of the load balancer are refused, naming where to move them', async () => {
  const b = await bundle('around.tar.gz', [
    appspec('hooks:\n  BeforeBlockTraffic:\n    - location: a.sh\n  AfterAllowTraffic:\n    - location: b.sh\n'),
    environment('patient-api'),
  ])
  const err = await bundleMeta(b).catch((e: unknown) => e)
  assert.instance(err, InputError)
  assert.is(
    (err as Error).message,
    `${b}: deploy-local cannot run BeforeBlockTraffic and AfterAllowTraffic hooks where CodeDeploy does (codedeploy-local runs every event at once, between the load balancer's block and allow); move them to AfterBlockTraffic or BeforeAllowTraffic`,
  )
})

test('a bundle without deploy/environment.json was not built by the bundle builder: refused in one line', async () => {
  const b = await bundle('bare.tar.gz', [appspec('')])
  const err = await bundleMeta(b).catch((e: unknown) => e)
  assert.instance(err, InputError)
  assert.is((err as Error).message, `${b}: no deploy/environment.json; build bundles with apply's bundle builder`)
})

test("deployment ids count the fleet's deployments, saved at once; the group is named as CodeDeploy's", () => {
  const f = fleet({ deployments: 8 })
  const meta = { app: 'doctor-api', environment: 'production', proxyPort: 8082 }
  assert.equal(nextDeployment(f, '/r/a.tar.gz', meta), {
    id: 'd-AB12CD009',
    groupId: 'local-production-doctor-api',
    groupName: 'doctor-api',
    application: 'drsignet-production',
    bundle: '/r/a.tar.gz',
    proxyPort: 8082,
  })
  assert.is(nextDeployment(f, '/r/a.tar.gz', meta).id, 'd-AB12CD010')
  assert.is(saved(f).deployments, 10)
})

test('the last good revision is kept per app; a fleet saved with one path has its app read from that bundle', async () => {
  const legacy = await bundle('legacy.tar.gz', [appspec(), environment('patient-api')])
  assert.equal(await releasedApps(fleet({ lastGood: legacy })), { 'patient-api': legacy })
  const f = fleet({ lastGood: { 'patient-api': '/r/p.tar.gz', 'doctor-api': '/r/d.tar.gz' } })
  assert.is(await lastGoodOf(f, 'doctor-api'), '/r/d.tar.gz')
  assert.is(await lastGoodOf(f, 'records-api'), undefined)
  assert.equal(await releasedApps(fleet()), {})
})

test('a deployment that succeeds copies its bundle into the fleet and becomes its app’s last good, beside the others', async () => {
  const b = await bundle('doctor-2.tar.gz', [appspec(), environment('doctor-api', 'staging', 8082)])
  const old = await bundle('patient-1.tar.gz', [appspec(), environment('patient-api')])
  const f = fleet({ lastGood: old }) // saved before apps were told apart
  const r = await deployRevision(f, b)
  const copy = join(revisionsDir(f), 'doctor-2.tar.gz')
  assert.equal(r, { ok: true, deploymentId: 'd-AB12CD001', agentDeployments: {} })
  assert.equal(readFileSync(copy), readFileSync(b))
  assert.equal(f.lastGood, { 'patient-api': old, 'doctor-api': copy })
  assert.equal(saved(f).lastGood, f.lastGood)
})

test('an instance that cannot boot fails the deployment there, before any other instance is touched', async () => {
  const b = await bundle('patient-2.tar.gz', [appspec(), environment('patient-api')])
  const [i1, i2] = [unbootable(1), unbootable(2)]
  const f = fleet({ instances: [i1, i2] })
  const progress: Progress[] = []
  const r = await deployRevision(f, b, { onProgress: (p) => void progress.push(p) })
  const failure = {
    instance: 'i1',
    event: 'BeforeBlockTraffic',
    reason: cannotBoot(i1),
    log: undefined,
    tail: undefined,
  }
  assert.equal(r, { ok: false, deploymentId: 'd-AB12CD001', agentDeployments: {}, failure })
  assert.equal(progress, [
    {
      event: 'BeforeBlockTraffic',
      status: 'failed',
      detail: cannotBoot(i1),
      instance: 'i1',
      deploymentId: 'd-AB12CD001',
    },
  ])
  assert.is(f.lastGood, undefined, 'nothing to roll back to, and nothing became good')
})

test('with a last good revision, the failed instance gets it first, as a deployment of its own', async () => {
  const good = await bundle('patient-1b.tar.gz', [appspec(), environment('patient-api')])
  const bad = await bundle('patient-3.tar.gz', [appspec(), environment('patient-api')])
  const [i3, i4] = [unbootable(3), unbootable(4)]
  const f = fleet({ instances: [i3, i4], lastGood: { 'patient-api': good }, deployments: 4 })
  const progress: Progress[] = []
  const r = await deployRevision(f, bad, { onProgress: (p) => void progress.push(p) })
  assert.is(r.ok, false)
  assert.is(r.deploymentId, 'd-AB12CD005')
  const failed = {
    instance: 'i3',
    event: 'BeforeBlockTraffic',
    reason: cannotBoot(i3),
    log: undefined,
    tail: undefined,
  }
  assert.equal(r.failure, failed)
  const { ms, ...rollback } = r.rollback!
  assert.ok(ms >= 0)
  assert.equal(rollback, {
    deploymentId: 'd-AB12CD006',
    ok: false,
    instances: ['i3'],
    failures: [failed],
  })
  assert.equal(
    progress.map((p) => `${p.deploymentId} ${p.instance} ${p.event} ${p.status}`),
    ['d-AB12CD005 i3 BeforeBlockTraffic failed', 'd-AB12CD006 i3 BeforeBlockTraffic failed'],
  )
  assert.equal(f.lastGood, { 'patient-api': good })
  assert.ok(existsSync(join(revisionsDir(f), 'patient-3.tar.gz')), 'the failed revision is kept for a look')
})

test.run()
