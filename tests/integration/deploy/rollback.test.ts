// Proof through the CLI and the real CodeDeploy agent: a bundle whose ValidateService fails is rolled back
// automatically, the old version serves throughout, and deploy-local exits 1 with the failing event's log. The
// rollback's ApplicationStop is the failed revision's own (its Install had passed), as the agent does it.
// I/O: starts moto, nginx and two booted instances (systemd, nginx, pm2, Node apps); stops them all.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadFleet, destroyFleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { writtenPath } from '../../../scripts/lib/deploy-local/instance.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { makeBundle, putSecret, startLoad, testApp, versionAt } from './support.ts'

const root = new URL('../../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'deploy-rb-'))
const fleetDir = join(work, 'fleet')
let moto: Moto

function ops(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/ops.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...moto.env },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([testApp('1.0.0')]), testApp('1.0.0'), 'DB_PASSWORD=rollback-test\n')
})

test.after(async () => {
  const f = loadFleet(fleetDir)
  if (f) destroyFleet(f)
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

test('a failing ValidateService rolls back to the old version, which serves throughout', async () => {
  const good = await makeBundle(join(work, 'bundles'), testApp('1.0.0'))
  const bad = await makeBundle(join(work, 'bundles'), testApp('2.0.0'), { variant: 'unhealthy' })
  const lbPort = await freePort()
  const first = await ops(['deploy-local', good, '--instances', '2', '--lb-port', String(lbPort), '--fleet', fleetDir])
  assert.is(first.code, 0, first.out + first.err)
  assert.match(first.out, /i1 ApplicationStart\s+ok/)
  assert.match(first.out, /succeeded on 2 instances/)
  assert.ok(first.out.includes(`patient-api: http://127.0.0.1:${lbPort} (nginx port 8081)`), first.out)

  const load = startLoad(lbPort, 4, 90_000)
  const second = await ops(['deploy-local', bad, '--fleet', fleetDir])
  const stats = await load.stop()
  assert.is(second.code, 1, second.out + second.err)
  assert.match(
    second.err,
    /failed on i1 at ValidateService: ScriptFailed: hooks\/validate-service\.sh exited with code 1/,
  )
  assert.match(second.err, /--- ValidateService in \S+\/logs\/scripts\.log\n\S+ \S+ LifecycleEvent - ValidateService\n/)
  assert.match(
    second.err,
    /FAILED: health check failed for \d+s; last response: http:\/\/127\.0\.0\.1:3001\/healthz -> 500/,
  )
  assert.match(second.err, /rollback d-\w+ to the last good revision on i1: succeeded in [\d.]+ s/)
  console.log(
    `load during the failed deploy: ${stats.sent} requests, ${stats.failed} failed, versions ${JSON.stringify([...stats.versions])}`,
  )
  assert.is(stats.failed, 0, stats.errors.join('\n'))
  assert.equal([...stats.versions.keys()], ['1.0.0'])

  // Every instance is back on the old version, asked directly rather than through the load balancer.
  const fleet = loadFleet(fleetDir)!
  for (const i of fleet.instances) {
    assert.is(await versionAt(i.nsIp), '1.0.0', i.name)
  }
  assert.equal(
    fleet.targets,
    [{ app: 'patient-api', proxyPort: 8081, lbPort, allowed: ['i1', 'i2'] }],
    'both in service',
  )

  // On i1 the agent ran three deployments: 1.0.0, the failed 2.0.0 (its Install passed) and the rollback, whose
  // ApplicationStop came from 2.0.0, the last revision installed there, not from the 1.0.0 it put back.
  const group = writtenPath(fleet.instances[0]!, '/opt/codedeploy-agent/deployment-root/local-production-patient-api')
  const runs = readdirSync(group).sort((a, b) => statSync(join(group, a)).mtimeMs - statSync(join(group, b)).mtimeMs)
  assert.is(runs.length, 3, runs.join(' '))
  const rollbackLog = readFileSync(join(group, runs[2]!, 'logs/scripts.log'), 'utf8')
  assert.match(
    rollbackLog,
    /LifecycleEvent - ApplicationStop\n.*Script - hooks\/application-stop\.sh\n(.*\n)*?.*stopped patient-api \(the ApplicationStop of revision 2\.0\.0\)/,
  )
  for (const text of [first.out, first.err, second.out, second.err])
    assert.not.ok(text.includes('rollback-test'), 'the secret reached the output')
  const down = await ops(['deploy-local', '--down', '--fleet', fleetDir])
  assert.is(down.code, 0)
})

test.run()
