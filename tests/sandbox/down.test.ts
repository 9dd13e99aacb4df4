// `sandbox down` on what a sandbox left, whole or half made: its fleets' load balancers and instances, its moto (and
// never a process that took moto's pid since), then its folder (temp folders; moto_server and nginx on 127.0.0.1 and
// a sleep, all stopped by the module or after; the fleet's instance is never booted).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { lbNginxConf, saveFleet, type Fleet } from '../../scripts/lib/deploy-local/fleet.ts'
import { $ } from '../../scripts/lib/shell.ts'
import { sandboxDown } from '../../scripts/lib/sandbox/down.ts'
import { startMotoDaemon } from '../../scripts/lib/sandbox/moto.ts'
import { saveSandbox } from '../../scripts/lib/sandbox/state.ts'
import { freePort } from '../harness/ports.ts'
import { requireTool } from '../harness/tools.ts'

const work = mkdtempSync(join(tmpdir(), 'sandbox-down-'))
const pids: number[] = []
test.after(() => {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* stopped by down */
    }
  rmSync(work, { recursive: true, force: true })
})

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))

test('a folder with no sandbox: nothing is said and nothing removed', async () => {
  const dir = join(work, 'none')
  mkdirSync(dir)
  writeFileSync(join(dir, 'notes.txt'), 'mine')
  assert.equal(await sandboxDown(dir), [])
  assert.equal(readdirSync(dir), ['notes.txt'])
  assert.equal(await sandboxDown(join(work, 'missing')), [])
})

test('a sandbox that failed after starting moto: moto is stopped and the folder removed; a fleet never saved is passed over', async () => {
  const dir = join(work, 'half')
  const moto = await startMotoDaemon({
    bin: requireTool('moto_server'),
    account: '111122223333',
    log: join(work, 'moto.log'),
  })
  pids.push(moto.pid)
  saveSandbox(dir, { env: 'staging', moto, fleets: [join(dir, 'fleets/api')], urls: [] })
  assert.equal(await sandboxDown(dir), [`moto on ${moto.endpoint} stopped`, `${dir} removed`])
  assert.not.ok(alive(moto.pid), 'moto is gone')
  assert.not.ok(existsSync(dir))
})

test('a pid that is no longer moto is left alone', async () => {
  const dir = join(work, 'recycled')
  const other = spawn('sleep', ['30'], { stdio: 'ignore' })
  pids.push(other.pid!)
  saveSandbox(dir, { env: 'staging', moto: { pid: other.pid!, endpoint: 'http://127.0.0.1:1' }, fleets: [], urls: [] })
  assert.equal(await sandboxDown(dir), [`${dir} removed`])
  assert.ok(alive(other.pid!), 'the process that took the pid still runs')
  other.kill('SIGKILL')
})

test("each saved fleet's load balancer and instances are stopped and the fleet forgotten, before the folder goes", async () => {
  requireTool('nginx')
  const dir = join(work, 'whole')
  const fleetDir = join(dir, 'fleets/api')
  const f: Fleet = {
    dir: fleetDir,
    id: 'd0e1f2',
    targets: [{ app: 'patient-api', proxyPort: 8081, lbPort: await freePort(), allowed: [] }],
    instances: [
      {
        name: 'i1',
        dir: join(fleetDir, 'instances/i1'),
        netns: `dl-d${process.pid % 100000}`,
        hostIf: `dld${process.pid % 100000}h`,
        nsIf: `dld${process.pid % 100000}n`,
        hostIp: '10.249.252.1',
        nsIp: '10.249.252.2',
        cgroup: `deploy-local-test-d${process.pid % 100000}`,
      },
    ],
    deployments: 0,
  }
  mkdirSync(join(fleetDir, 'lb/tmp'), { recursive: true })
  writeFileSync(join(fleetDir, 'lb/nginx.conf'), lbNginxConf(f))
  await $({ quiet: true })`nginx -c ${join(fleetDir, 'lb/nginx.conf')}`
  const lb = Number(readFileSync(join(fleetDir, 'lb/nginx.pid'), 'utf8'))
  pids.push(lb)
  saveFleet(f)
  saveSandbox(dir, { env: 'staging', fleets: [fleetDir], urls: [] })
  assert.equal(await sandboxDown(dir), [
    `fleet ${fleetDir}: 1 instance(s) and the load balancer stopped`,
    `${dir} removed`,
  ])
  for (let n = 0; n < 50 && alive(lb); n++) await new Promise((r) => setTimeout(r, 100))
  assert.not.ok(alive(lb), 'the load balancer is stopped')
  assert.not.ok(existsSync(dir))
})

test.run()
