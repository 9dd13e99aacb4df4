// Proof of the instance ownership model (docs/instance-ownership.md) on an instance the real CodeDeploy agent
// deployed to: everything root runs or reads as configuration, and every folder above it, is root's and writable by
// root alone, the app's own code included; the app user owns only its .env (in a root folder it may only read) and the
// folders it writes outside the release. Then the app user tries to change what root runs, and fails every time; and it cannot
// reach the metadata service (the instance role's credentials), before or after a reboot, while root can.
// I/O: starts moto, nginx and one booted instance (systemd, nginx, pm2, a Node app); stops them all.
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, ensureRunning, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec, killInstance, pathIn, type Instance } from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { freePort, waitFor } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { explain, makeBundle, putSecret, statIn, testApp, userIn } from './support.ts'

const app = testApp('1.0.0')
const paths = instancePaths(app)
const work = mkdtempSync(join(tmpdir(), 'ownership-'))
let moto: Moto
let fleet: Fleet | undefined

/** What root runs, sources or reads as configuration on an app instance, and the agent's own state. */
const ROOT_READS = [
  '/opt/drsignet',
  '/opt/codedeploy-agent/deployment-root',
  '/etc/codedeploy-agent',
  '/etc/nginx',
  '/etc/logrotate.d',
  '/etc/drsignet',
  '/run/drsignet',
]
/** The only path below those that the app user may own: its secret (root replaces it by a rename, never reads it). */
const appOwned = (path: string) => path === paths.envFile

/** Each problem as "path: why"; empty when the path is root's and only root can write it. */
function rootOnly(i: Instance, path: string, why: string[]) {
  const st = lstatSync(pathIn(i, path))
  if (st.uid !== 0) why.push(`${path}: owned by ${userIn(i, st.uid) ?? st.uid}`)
  if (!st.isSymbolicLink() && st.mode & 0o022)
    why.push(`${path}: mode ${(st.mode & 0o7777).toString(8)} lets others write it`)
}

function walk(i: Instance, path: string, out: string[]) {
  out.push(path)
  const st = lstatSync(pathIn(i, path))
  if (st.isDirectory() && !st.isSymbolicLink())
    for (const name of readdirSync(pathIn(i, path)).sort()) walk(i, path === '/' ? `/${name}` : `${path}/${name}`, out)
}

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl', 'logrotate']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([app]), app, 'DB_PASSWORD=ownership-test\n')
  fleet = await createFleet(join(work, 'fleet'), 1, [{ proxyPort: app.proxyPort, lbPort: await freePort() }])
  for (const v of ['1.0.0', '1.0.1']) {
    const r = await deployRevision(fleet, await makeBundle(join(work, 'bundles'), testApp(v), { lock: true }), {
      passEnv: moto.env,
    })
    if (!r.ok) throw new Error(explain(r))
  }
  // A rotation, so log-freeze's state folder exists as it does on an instance after a day.
  const r = instanceExec(fleet.instances[0]!, ['logrotate', '-f', `/etc/logrotate.d/drsignet-${app.name}`])
  if (r.exitCode !== 0) throw new Error(r.stderr)
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

test("everything root runs or reads, and every folder above it, is root's and writable by root alone", () => {
  const i = fleet!.instances[0]!
  const why: string[] = []
  const checked: string[] = []
  for (const top of ROOT_READS) {
    for (let up = dirname(top); ; up = dirname(up)) {
      rootOnly(i, up, why)
      if (up === '/') break
    }
    const all: string[] = []
    walk(i, top, all)
    for (const path of all.filter((p) => !appOwned(p))) {
      rootOnly(i, path, why)
      checked.push(path)
    }
  }
  assert.ok(checked.length > 100, `${checked.length} paths walked`)
  for (const p of [
    '/opt/drsignet/patient-api/current/app/package-lock.json',
    '/opt/drsignet/patient-api/current/hooks/after-install.sh',
    '/opt/drsignet/patient-api/current/deploy/logrotate.conf',
    '/etc/nginx/conf.d/drsignet-patient-api.conf',
    '/etc/logrotate.d/drsignet-patient-api',
    '/run/drsignet/log-freeze',
  ])
    assert.ok(checked.includes(p), `${p} was walked`)
  assert.equal(why, [])
})

test('the app user owns nothing of its release, its .env (0600, in a folder it may only read) and the folders it writes', () => {
  const i = fleet!.instances[0]!
  const owner = (p: string) => userIn(i, statIn(i, p).uid)
  assert.is(owner(paths.appDir), 'root', "its code is read-only to it: nothing the agent writes into is the app's")
  assert.is(owner(`${paths.appDir}/dist/server.js`), 'root')
  assert.is(owner(paths.envFile), app.user)
  assert.is(statIn(i, paths.envFile).mode & 0o777, 0o600)
  const envDir = statIn(i, dirname(paths.envFile))
  assert.equal([envDir.uid, envDir.mode & 0o777], [0, 0o750], "root's, readable by the app's group")
  for (const p of [paths.logDir, paths.pm2Home, paths.home]) {
    assert.is(owner(p), app.user, p)
    assert.is(owner(dirname(p)), 'root', `${dirname(p)}, above ${p}`)
  }
})

test('as the app user, every attempt to change what root runs or reads fails', () => {
  const i = fleet!.instances[0]!
  const targets = [
    '/opt/drsignet/patient-api/current/hooks/after-install.sh',
    '/opt/drsignet/patient-api/current/hooks/lib/log-freeze.sh',
    '/opt/drsignet/patient-api/current/deploy/logrotate.conf',
    '/opt/drsignet/patient-api/current/nginx/patient-api.conf',
    '/etc/nginx/conf.d/drsignet-patient-api.conf',
    '/etc/logrotate.d/drsignet-patient-api',
  ]
  const folders = [
    '/opt/drsignet/patient-api/current',
    '/opt/drsignet/patient-api/current/hooks',
    '/opt/drsignet/patient-api/current/app',
    '/opt/drsignet/patient-api/current/app/dist',
    '/etc/nginx/drsignet',
    '/etc/drsignet/patient-api',
    '/var/lib/drsignet/patient-api',
    '/var/log/drsignet',
    '/run/drsignet/log-freeze',
  ]
  // Each attempt prints what it managed; nothing may be printed.
  const script = [
    ...targets.flatMap((f) => [
      `(echo '# x' >> '${f}') 2>/dev/null && echo "appended to ${f}"`,
      `mv '${f}' '${f}.x' 2>/dev/null && echo "renamed ${f}"`,
      `chmod 777 '${f}' 2>/dev/null && echo "chmod ${f}"`,
    ]),
    ...folders.flatMap((d) => [
      `touch '${d}/planted' 2>/dev/null && echo "created a file in ${d}"`,
      `ln -s /etc/shadow '${d}/link' 2>/dev/null && echo "linked in ${d}"`,
    ]),
    'true',
  ].join('\n')
  const r = instanceExec(i, ['runuser', '-u', app.user, '--', 'bash', '-c', script])
  assert.is(r.stdout, '', r.stdout)
  // And the attempts were real: the same script as root changes them (on a copy, so the instance stays intact).
  const probe = instanceExec(i, [
    'bash',
    '-c',
    `cp -a /etc/logrotate.d/drsignet-patient-api /tmp/probe && (echo '# x' >> /tmp/probe) && echo writable`,
  ])
  assert.is(probe.stdout.trim(), 'writable')
})

test("log-freeze, run by root, pauses only the app user's processes, even through a log the app pointed elsewhere", () => {
  const i = fleet!.instances[0]!
  // A root process holding a file of root's open, and the app's error.log turned into a link to that file.
  assert.is(
    instanceExec(i, [
      'systemd-run',
      '--unit=root-holder',
      '--',
      'bash',
      '-c',
      'exec 3>>/var/log/root-held.log; exec sleep 120',
    ]).exitCode,
    0,
  )
  const linked = instanceExec(i, [
    'runuser',
    '-u',
    app.user,
    '--',
    'ln',
    '-sf',
    '/var/log/root-held.log',
    `${paths.logDir}/error.log`,
  ])
  assert.is(linked.exitCode, 0, linked.stderr)
  const freeze = `/opt/drsignet/${app.name}/current/hooks/lib/log-freeze.sh`
  const state = paths.logFreezeState
  const r = instanceExec(i, [
    'bash',
    freeze,
    'freeze',
    state,
    app.user,
    `${paths.logDir}/out.log`,
    `${paths.logDir}/error.log`,
  ])
  try {
    assert.is(r.exitCode, 0, r.stderr)
    const paused = instanceExec(i, ['cat', state]).stdout.trim().split('\n').map(Number)
    const holder = Number(
      instanceExec(i, ['systemctl', 'show', '--property=MainPID', '--value', 'root-holder']).stdout.trim(),
    )
    assert.ok(paused.length >= 2, `the app's writers were paused: ${paused}`)
    assert.not.ok(paused.includes(holder), 'the root process behind the link was not paused')
    assert.is(instanceExec(i, ['bash', '-c', `awk '/^State:/ { print $2 }' /proc/${holder}/status`]).stdout.trim(), 'S')
    for (const pid of paused)
      assert.is(userIn(i, Number(instanceExec(i, ['stat', '-c', '%u', `/proc/${pid}`]).stdout.trim())), app.user)
  } finally {
    instanceExec(i, ['bash', freeze, 'thaw', state])
    instanceExec(i, ['systemctl', 'stop', 'root-holder'])
  }
})

test('the metadata service answers root and refuses the app user, also after the instance rebooted', async () => {
  const i = fleet!.instances[0]!
  // A stand-in for IMDS at its address inside the instance's network namespace (on another port than 80, where
  // the instance's nginx has its default server; the rule is on the address, whatever the port).
  const startImds = async () => {
    instanceExec(i, ['ip', 'addr', 'add', '169.254.169.254/32', 'dev', 'lo'])
    const r = instanceExec(i, [
      'systemd-run',
      '--unit=fake-imds',
      '--',
      '/usr/bin/node',
      '-e',
      `require('http').createServer((q, s) => s.end('role-credentials')).listen(8169, '169.254.169.254')`,
    ])
    assert.is(r.exitCode, 0, r.stderr)
    await waitFor('the stand-in IMDS', async () => ask().stdout === 'role-credentials', 10_000)
  }
  const ask = (user?: string) =>
    instanceExec(i, [
      ...(user ? ['runuser', '-u', user, '--'] : []),
      'curl',
      '-sS',
      '--max-time',
      '3',
      'http://169.254.169.254:8169/latest/meta-data/iam/security-credentials/',
    ])
  const check = () => {
    assert.is(ask().stdout, 'role-credentials', 'root reaches it')
    for (const user of [app.user, 'nobody']) {
      const r = ask(user)
      assert.is.not(r.exitCode, 0, `${user} reached the metadata service: ${r.stdout}`)
      assert.match(r.stderr, /Connection refused|Couldn't connect/)
    }
  }
  await startImds()
  check()
  killInstance(i)
  await ensureRunning(fleet!, i)
  await startImds()
  check()
})

test.run()
