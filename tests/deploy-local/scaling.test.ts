// The local Auto Scaling group's decisions that need no launch: what it refuses, a failed launch's message, and a
// scale-in that drains the oldest instances from every target group through a real nginx load balancer before
// terminating them (temp folders; nginx on 127.0.0.1, stopped after; the instances are never booted, and no request
// is sent to them; launches are run by tests/integration/deploy/zero-downtime.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { packEntries } from '../../scripts/lib/bundle/tar.ts'
import {
  destroyFleet,
  lbNginxConf,
  revisionsDir,
  type Fleet,
  type Instance,
} from '../../scripts/lib/deploy-local/fleet.ts'
import { childPids } from '../../scripts/lib/deploy-local/proc.ts'
import { LaunchFailed, launchInService, scaleTo } from '../../scripts/lib/deploy-local/scaling.ts'
import { freePort } from '../harness/ports.ts'
import { requireTool } from '../harness/tools.ts'
import { $ } from '../../scripts/lib/shell.ts'

const work = mkdtempSync(join(tmpdir(), 'scaling-'))
const started: Fleet[] = []
test.after(() => {
  for (const f of started) destroyFleet(f)
  rmSync(work, { recursive: true, force: true })
})

const tag = `s${process.pid % 100000}`
const instance = (n: number): Instance => ({
  name: `i${n}`,
  dir: join(work, `instances/i${n}`),
  netns: `dl-${tag}x${n}`,
  hostIf: `dl${tag}h${n}`,
  nsIf: `dl${tag}n${n}`,
  hostIp: `10.249.250.${4 * n + 1}`,
  nsIp: `10.249.250.${4 * n + 2}`,
  cgroup: `deploy-local-test-${tag}-i${n}`,
})

/** The master's worker pids once it has started some (nginx forks them after `nginx -c` returns), else []. */
async function workersOf(master: number): Promise<number[]> {
  const deadline = Date.now() + 2500
  let pids = childPids(master)
  while (pids.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
    pids = childPids(master)
  }
  return pids
}

let fleets = 0
function fleet(over: Partial<Fleet> = {}): Fleet {
  const f: Fleet = { dir: join(work, `fleet${++fleets}`), id: '5ca1e0', targets: [], instances: [], deployments: 0 }
  Object.assign(f, over)
  mkdirSync(revisionsDir(f), { recursive: true })
  return f
}

test('a failed launch names the instance, the app, the event and the reason, and keeps the failure', () => {
  const failure = {
    instance: 'i4',
    event: 'ValidateService',
    reason: 'ScriptFailed: hooks/validate.sh exited with code 1',
  }
  const e = new LaunchFailed(failure, 'records-api')
  assert.is(
    e.message,
    'i4: the launch deployment of records-api failed at ValidateService: ScriptFailed: hooks/validate.sh exited with code 1',
  )
  assert.equal([e.failure, e.app], [failure, 'records-api'])
})

test('a desired capacity that is not a whole number of instances is refused before anything changes', async () => {
  const f = fleet({ instances: [instance(1)] })
  const steps: string[] = []
  for (const desired of [-1, 1.5, Number.NaN]) {
    const err = await scaleTo(f, desired, { onStep: (s) => void steps.push(s) }).catch((e: Error) => e.message)
    assert.is(err, `desired capacity must be a whole number, not ${desired}`)
  }
  assert.equal([steps, f.instances.map((i) => i.name)], [[], ['i1']])
})

test('the desired capacity already met: nothing launched or terminated', async () => {
  const f = fleet({ instances: [instance(1), instance(2)] })
  const steps: string[] = []
  assert.equal(await scaleTo(f, 2, { onStep: (s) => void steps.push(s) }), [])
  assert.equal(steps, ['desired capacity 2 → 2'])
  assert.equal(
    f.instances.map((i) => i.name),
    ['i1', 'i2'],
  )
})

test('a listener whose app was never deployed: no instance is launched into a group it could never serve', async () => {
  const bundle = join(work, 'patient-api.tar.gz')
  writeFileSync(
    bundle,
    await packEntries([
      { path: 'appspec.yml', data: Buffer.from('version: 0.0\nos: linux\n'), mode: 0o644 },
      {
        path: 'deploy/environment.json',
        data: Buffer.from(JSON.stringify({ app: 'patient-api', environment: 'staging', proxyPort: 8081 })),
        mode: 0o644,
      },
    ]),
  )
  const f = fleet({
    targets: [
      { app: 'patient-api', proxyPort: 8081, lbPort: 18081, allowed: [] },
      { app: 'doctor-api', proxyPort: 8082, lbPort: 18082, allowed: [] },
    ],
    lastGood: { 'patient-api': bundle },
    launched: 2,
  })
  const err = await launchInService(f).catch((e: Error) => e.message)
  assert.is(
    err,
    'fleet 5ca1e0: no app on port 8082 has been deployed yet; deploy it before launching instances into service',
  )
  assert.equal([f.instances, f.launched], [[], 2])
})

test('scale-in drains the oldest instances from every listener, reloads the load balancer, terminates and saves', async () => {
  requireTool('nginx')
  const [i1, i2, i3] = [instance(1), instance(2), instance(3)]
  const f = fleet({
    instances: [i1, i2, i3],
    targets: [
      { app: 'patient-api', proxyPort: 8081, lbPort: await freePort(), allowed: ['i1', 'i2', 'i3'] },
      { app: 'doctor-api', proxyPort: 8082, lbPort: await freePort(), allowed: ['i2', 'i3'] },
    ],
    launched: 3,
  })
  mkdirSync(join(f.dir, 'lb/tmp'), { recursive: true })
  const conf = join(f.dir, 'lb/nginx.conf')
  writeFileSync(conf, lbNginxConf(f))
  await $({ quiet: true })`nginx -c ${conf}`
  started.push(f)
  const master = Number(readFileSync(join(f.dir, 'lb/nginx.pid'), 'utf8'))
  const workers = await workersOf(master)
  assert.ok(workers.length > 0, 'nginx started its workers')

  const steps: string[] = []
  assert.equal(await scaleTo(f, 1, { onStep: (s) => void steps.push(s) }), [])
  assert.equal(
    steps.map((s) => s.replace(/\d+\.\d s$/, 'N s')),
    ['desired capacity 3 → 1', 'i1 drained and terminated in N s', 'i2 drained and terminated in N s'],
  )
  assert.equal(f.instances, [i3])
  assert.equal(
    f.targets.map((t) => t.allowed),
    [['i3'], ['i3']],
  )
  assert.is(readFileSync(conf, 'utf8'), lbNginxConf(f), 'the load balancer was given the new targets')
  assert.equal(
    [...readFileSync(conf, 'utf8').matchAll(/server (10\.[\d.]+):/g)].map((m) => m[1]),
    [i3.nsIp, i3.nsIp],
  )
  const reloaded = await workersOf(master)
  assert.ok(reloaded.length > 0, 'nginx runs workers after the reload')
  assert.equal(
    reloaded.filter((pid) => workers.includes(pid)),
    [],
    'nginx reloaded: its old workers are gone',
  )
  const saved = JSON.parse(readFileSync(join(f.dir, 'fleet.json'), 'utf8')) as Fleet
  assert.equal([saved.instances.map((i) => i.name), saved.targets.map((t) => t.allowed)], [['i3'], [['i3'], ['i3']]])
})

test.run()
