// Proof: an instance left by the earlier layout (the app user owning its home /var/lib/drsignet/APP with its pm2
// folder inside, its .env folder and the whole release, its pm2 daemon running) takes the current revision under
// the real CodeDeploy agent and ends in the ownership model, with nothing done by hand.
// I/O: starts moto, nginx and one booted instance (systemd, nginx, pm2, a Node app); stops them all.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec } from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { explain, makeBundle, processesIn, putSecret, readIn, statIn, testApp, userIn, versionAt } from './support.ts'

const app = testApp('2.0.0')
const p = instancePaths(app)
const work = mkdtempSync(join(tmpdir(), 'upgrade-'))
let moto: Moto
let fleet: Fleet | undefined

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([app]), app, 'DB_PASSWORD=upgrade-test\n')
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

test("the earlier layout, with the app user's pm2 daemon running, becomes the ownership model on the next deployment", async () => {
  const f = (fleet = await createFleet(join(work, 'fleet'), 1, [
    { proxyPort: app.proxyPort, lbPort: await freePort() },
  ]))
  const i = f.instances[0]!
  const user = app.user
  // The instance as the earlier hooks left it: BeforeInstall made the user with its home at /var/lib/drsignet/APP,
  // AfterInstall chowned the whole release to it, and ApplicationStart left its pm2 daemon running.
  const old = instanceExec(i, [
    'bash',
    '-euc',
    `
    install -d -m 0755 /var/lib/drsignet /var/log/drsignet /etc/drsignet
    useradd --system --user-group --create-home --home-dir /var/lib/drsignet/patient-api --shell /bin/bash ${user}
    install -d -m 0750 -o ${user} -g ${user} /etc/drsignet/patient-api /var/log/drsignet/patient-api /var/lib/drsignet/patient-api/pm2
    install -m 0600 -o ${user} -g ${user} /dev/null /etc/drsignet/patient-api/.env
    mkdir -p /opt/drsignet/patient-api/current/hooks/lib /opt/drsignet/patient-api/current/deploy /opt/drsignet/patient-api/current/app/node_modules/stale
    echo 'echo old' > /opt/drsignet/patient-api/current/hooks/after-install.sh
    echo 'stale' > /opt/drsignet/patient-api/current/app/node_modules/stale/index.js
    chown -R ${user}:${user} /opt/drsignet/patient-api/current
    runuser -u ${user} -- env PM2_HOME=${p.pm2Home} pm2 ping >/dev/null
  `,
  ])
  assert.is(old.exitCode, 0, old.stderr)
  const daemon = processesIn(i, 'PM2').filter((x) => x.user === user)
  assert.ok(daemon.length > 0, 'the old pm2 daemon runs')

  const r = await deployRevision(f, await makeBundle(join(work, 'bundles'), app, { lock: true }), { passEnv: moto.env })
  assert.ok(r.ok, explain(r))
  assert.is(await versionAt(i.nsIp, app.proxyPort), '2.0.0')

  assert.is(
    readIn(i, '/etc/passwd')
      .split('\n')
      .find((l) => l.startsWith(`${user}:`))!
      .split(':')[5],
    p.home,
    'the home moved',
  )
  for (const dir of [
    '/var/lib/drsignet/patient-api',
    '/etc/drsignet/patient-api',
    '/opt/drsignet/patient-api/current',
    p.appDir,
  ])
    assert.is(statIn(i, dir).uid, 0, `${dir} is root's again`)
  assert.is(userIn(i, statIn(i, p.pm2Home).uid), user)
  const notRoots = instanceExec(i, ['find', '/opt/drsignet/patient-api/current', '!', '-uid', '0', '-print'])
  assert.is(notRoots.stdout, '', "nothing in the release is the app user's")
  assert.is(
    instanceExec(i, ['test', '-e', `${p.appDir}/node_modules/stale`]).exitCode,
    1,
    'the earlier dependencies are gone',
  )
  for (const d of daemon)
    assert.not.ok(
      processesIn(i, 'PM2').some((x) => x.pid === d.pid),
      'the old daemon was stopped for the move',
    )
})

test.run()
