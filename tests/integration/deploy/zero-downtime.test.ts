// Proof: through the real CodeDeploy agent, a new version reaches 2 booted instances under load with no failed
// request; the app runs as its own user; its secrets land 0600, owned by that user, and never in any log.
// I/O: starts moto, nginx (the load balancer), and two instances (systemd, nginx, pm2, Node apps); stops them all.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../render-instance/model-fixture.ts'
import { explain, filesContaining, makeBundle, processesIn, putSecret, startLoad, statIn, testApp, userIn } from './support.ts'

const secret = `s3cr3t-${process.pid}-${Date.now().toString(36)}`
let moto: Moto
let fleet: Fleet | undefined
const work = mkdtempSync(join(tmpdir(), 'deploy-zd-'))

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([testApp('1.0.0')]), testApp('1.0.0'), `DB_PASSWORD=${secret}\nNODE_OPTIONS_EXTRA=\n`)
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

test('v1 then v2 under load: 0 failed requests, only v2 afterwards, secrets 0600 and never logged', async () => {
  const v1 = await makeBundle(join(work, 'bundles'), testApp('1.0.0'))
  const v2 = await makeBundle(join(work, 'bundles'), testApp('2.0.0'))
  const lbPort = await freePort()
  const f = (fleet = await createFleet(join(work, 'fleet'), 2, lbPort, 8081))
  const opts = { passEnv: moto.env }
  const first = await deployRevision(f, v1, opts)
  assert.ok(first.ok, explain(first))
  for (const i of f.instances) {
    const st = statIn(i, '/etc/drsignet/patient-api/.env')
    assert.is(st.mode & 0o777, 0o600, i.name)
    assert.is(userIn(i, st.uid), 'drsignet-test', `${i.name}: the .env belongs to the app user`)
    const workers = processesIn(i, 'dist/server.js')
    assert.is(workers.length, 2, `${i.name}: two cluster workers`)
    assert.ok(workers.every((w) => w.user === 'drsignet-test'), `${i.name}: ${JSON.stringify(workers)}`)
  }

  const load = startLoad(lbPort, 4, 90_000)
  await new Promise((r) => setTimeout(r, 1000))
  const second = await deployRevision(f, v2, opts)
  const doneAt = Date.now()
  await new Promise((r) => setTimeout(r, 1000))
  const stats = await load.stop()
  assert.ok(second.ok, explain(second))
  console.log(`load: ${stats.sent} requests, ${stats.failed} failed, versions ${JSON.stringify([...stats.versions])}`)
  assert.is(stats.failed, 0, stats.errors.join('\n'))
  assert.ok(stats.versions.get('1.0.0')! > 0 && stats.versions.get('2.0.0')! > 0)
  const after = stats.log.filter((l) => l.t > doneAt + 50)
  assert.ok(after.length > 0)
  assert.ok(after.every((l) => l.version === '2.0.0'), 'a response after the deploy came from v1')
  assert.equal(filesContaining(work, secret), [])
})

test.run()
