// Proof, under the real CodeDeploy agent: each fault (hook timeout, crash loop at start, invalid vhost, missing
// secrets, instance killed mid-deploy) fails the deployment, rolls it back, and leaves the old version serving
// without a failed request.
// I/O: starts moto, nginx and two booted instances (systemd, nginx, pm2, Node apps); stops them all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { isRunning, killInstance } from '../../../scripts/lib/deploy-local/instance.ts'
import type { LifecycleOptions } from '../../../scripts/lib/deploy-local/lifecycle.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { explain, explainRollback, makeBundle, putSecret, startLoad, testApp, versionAt } from './support.ts'

const work = mkdtempSync(join(tmpdir(), 'deploy-faults-'))
const bundles = join(work, 'bundles')
let moto: Moto
let fleet: Fleet
let lbPort: number

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([testApp('1.0.0')]), testApp('1.0.0'), 'DB_PASSWORD=faults-test\n')
  lbPort = await freePort()
  fleet = await createFleet(join(work, 'fleet'), 2, [{ proxyPort: 8081, lbPort }])
  const r = await deployRevision(fleet, await makeBundle(bundles, testApp('1.0.0')), { passEnv: moto.env })
  if (!r.ok) throw new Error(explain(r))
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  // KEEP_WORK=1 keeps the fleet (every hook log) for a post-mortem of a failed run.
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

/** Deploys a faulty bundle under load and checks the failure, the rollback and that v1 served every request. */
async function expectRolledBack(bundle: string, event: string, reason: RegExp, extra: Partial<LifecycleOptions> = {}) {
  const load = startLoad(lbPort, 2, 60_000)
  const r = await deployRevision(fleet, bundle, { passEnv: moto.env, ...extra })
  const stats = await load.stop()
  assert.not.ok(r.ok)
  assert.is(r.failure?.event, event, explain(r))
  assert.match(r.failure!.reason, reason)
  assert.ok(r.rollback?.ok, `rollback failed: ${explainRollback(r)}`)
  assert.is(stats.failed, 0, stats.errors.join('\n'))
  assert.equal([...stats.versions.keys()], ['1.0.0'])
  for (const i of fleet.instances) assert.is(await versionAt(i.nsIp), '1.0.0', i.name)
  return r
}

test('a hook that outlives its timeout is killed and rolled back', async () => {
  const app = testApp('2.0.0', { hookTimeouts: { ...testApp('2.0.0').hookTimeouts, ApplicationStart: 3 } })
  await expectRolledBack(
    await makeBundle(bundles, app, { variant: 'hang' }),
    'ApplicationStart',
    /^ScriptTimedOut: hooks\/application-start\.sh did not finish within its timeout$/,
  )
})

test('an app that crash-loops at start is caught by ApplicationStart', async () => {
  const r = await expectRolledBack(
    await makeBundle(bundles, testApp('2.0.1'), { variant: 'crash' }),
    'ApplicationStart',
    /^ScriptFailed: hooks\/application-start\.sh exited with code 1$/,
  )
  const log = readFileSync(r.failure!.log!, 'utf8')
  assert.match(
    log,
    /patient-api is crash-looping \(.*\); its own errors are in \/var\/log\/drsignet\/patient-api\/error\.log on the instance/,
  )
  // The app's stderr (which may carry patient data) stays on the instance, out of the deployment's log.
  assert.not.ok(log.includes('crashing at start'), "the app's stderr reached the CodeDeploy log")
})

test('an invalid nginx vhost is refused by nginx -t and the previous vhost stays', async () => {
  const vhost = 'server {\n    listen 8081;\n    no_such_directive on;\n}\n'
  const r = await expectRolledBack(
    await makeBundle(bundles, testApp('2.0.2'), { vhost }),
    'AfterInstall',
    /^ScriptFailed: hooks\/after-install\.sh exited with code 1$/,
  )
  const log = readFileSync(r.failure!.log!, 'utf8')
  assert.match(log, /unknown directive "no_such_directive"/)
  assert.match(log, /the previous vhost is back in place/)
})

test('a missing secrets file fails BeforeInstall clearly', async () => {
  const app = testApp('2.0.3')
  const model = fixtureModel([app])
  const missing = { ...model, env: { ...model.env, secrets: { ...model.env.secrets, prefix: 'secrets/nowhere' } } }
  const r = await expectRolledBack(
    await makeBundle(bundles, app, { model: missing }),
    'BeforeInstall',
    /^ScriptFailed: hooks\/before-install\.sh exited with code 1$/,
  )
  assert.match(
    readFileSync(r.failure!.log!, 'utf8'),
    /s3:\/\/drsignet-production-secrets\/secrets\/nowhere\/patient-api\/\.env does not exist/,
  )
})

test('an instance killed mid-deploy (agent, nginx, pm2 and the app) is booted again and rolled back', async () => {
  // Killed once the new app is up (ApplicationStart done, ValidateService starting): the power cut takes its
  // PID 1 and every process with it, the agent included. The runner boots it again, as a replacement would come
  // up, and the rollback redeploys the old version there.
  let killed = -1
  const onProgress: LifecycleOptions['onProgress'] = (p) => {
    if (killed < 0 && p.instance === 'i1' && p.event === 'ApplicationStart' && p.status === 'ok')
      killed = killInstance(fleet.instances[0]!)
  }
  await expectRolledBack(
    await makeBundle(bundles, testApp('2.0.4')),
    'ValidateService',
    /^the instance stopped during ValidateService$/,
    { onProgress },
  )
  // systemd, journald, D-Bus, the nginx master and worker, the agent, pm2 and two app workers at least.
  assert.ok(killed >= 8, `killed ${killed} processes`)
  assert.ok(isRunning(fleet.instances[0]!), 'booted again')
})

test.run()
