// One revision on one instance: the failing event's part of the agent's scripts.log, an instance that cannot boot
// failing the deployment without touching the load balancer, and the instance role's stand-ins with a relayed
// loopback endpoint, set for the units started meanwhile and taken back (temp files; boots one instance with systemd
// in namespaces and an HTTP server on 127.0.0.1; all stopped and removed after).
// test-timeout: 120 s
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { revisionsDir, type Fleet } from '../../scripts/lib/deploy-local/fleet.ts'
import {
  bootInstance,
  execArgv,
  instanceExec,
  killInstance,
  removeNetwork,
  type Instance,
} from '../../scripts/lib/deploy-local/instance.ts'
import { testInstance } from '../harness/test-instance.ts'
import {
  deployToInstance,
  eventTail,
  withInstanceRole,
  type Progress,
} from '../../scripts/lib/deploy-local/lifecycle.ts'

const work = mkdtempSync(join(tmpdir(), 'lifecycle-'))
const instance = (n: number, dir = join(work, `instances/i${n}`)): Instance =>
  testInstance(dir, n, { letter: 'l', octet: 240 })
const made: Instance[] = []
let server: Server | undefined
test.after(async () => {
  for (const i of made) {
    killInstance(i)
    removeNetwork(i)
  }
  server?.closeAllConnections()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  rmSync(work, { recursive: true, force: true })
})

const stamp = (line: string) => `2026-12-03 06:00:00 ${line}`
const scriptsLog = [
  stamp('LifecycleEvent - BeforeInstall'),
  stamp('Script - hooks/before-install.sh'),
  stamp('[stdout]created user patient'),
  stamp('LifecycleEvent - ApplicationStart'),
  stamp('Script - hooks/start.sh'),
  stamp('[stdout]starting pm2'),
  stamp('[stderr]error: port 3001 in use'),
  '',
].join('\n')

test("the failing event's part of scripts.log: from its LifecycleEvent line to the end", () => {
  const log = join(work, 'scripts.log')
  writeFileSync(log, scriptsLog)
  assert.is(
    eventTail(log, 'ApplicationStart'),
    [
      stamp('LifecycleEvent - ApplicationStart'),
      stamp('Script - hooks/start.sh'),
      stamp('[stdout]starting pm2'),
      stamp('[stderr]error: port 3001 in use'),
    ].join('\n'),
  )
  assert.is(eventTail(log, 'ApplicationStart', 2), scriptsLog.trimEnd().split('\n').slice(-2).join('\n'))
})

test('an event the log never reached gives the end of the whole log; no log gives nothing', () => {
  const log = join(work, 'scripts-2.log')
  writeFileSync(log, scriptsLog)
  assert.is(eventTail(log, 'ValidateService', 3), scriptsLog.trimEnd().split('\n').slice(-3).join('\n'))
  assert.is(eventTail(join(work, 'missing.log'), 'ApplicationStart'), undefined)
  assert.is(eventTail(undefined, 'ApplicationStart'), undefined)
})

test('an instance that cannot boot fails at BeforeBlockTraffic and stays where it was in the load balancer', async () => {
  const blocker = join(work, 'not-a-folder')
  writeFileSync(blocker, '')
  const i = instance(1, join(blocker, 'i1'))
  made.push(i)
  const f: Fleet = {
    dir: join(work, 'fleet'),
    id: 'abc123',
    targets: [{ app: 'patient-api', proxyPort: 8081, lbPort: 18081, allowed: ['i1'] }],
    instances: [i],
    deployments: 0,
  }
  mkdirSync(revisionsDir(f), { recursive: true })
  const progress: Progress[] = []
  const d = {
    id: 'd-ABC123001',
    groupId: 'local-staging-patient-api',
    groupName: 'patient-api',
    application: 'drsignet-staging',
    bundle: join(revisionsDir(f), 'r.tar.gz'),
    proxyPort: 8081,
  }
  const out = await deployToInstance(f, i, d, { onProgress: (p) => void progress.push(p) })
  const reason = `ENOTDIR: not a directory, mkdir '${i.dir}/disk'`
  assert.equal(out, { ok: false, event: 'BeforeBlockTraffic', reason })
  assert.equal(progress, [
    { event: 'BeforeBlockTraffic', status: 'failed', detail: reason, instance: 'i1', deploymentId: 'd-ABC123001' },
  ])
  assert.equal(f.targets[0]!.allowed, ['i1'])
})

/** Runs argv inside the instance without blocking this process (the relay runs in it). */
const execAsync = (i: Instance, argv: string[]) =>
  new Promise<string>((resolve, reject) => {
    const [cmd, ...args] = execArgv(i, argv)
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')}: ${code} ${err}`))))
  })

test("the role's stand-ins reach every unit started meanwhile, a loopback endpoint through the instance's side; then both go", async () => {
  const i = instance(2)
  made.push(i)
  mkdirSync(join(work, 'revisions'), { recursive: true })
  await bootInstance(i, join(work, 'revisions'))
  server = createServer((req, res) => res.end(`moto answered ${req.url}`))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const managerEnv = () =>
    instanceExec(i, ['systemctl', 'show-environment'])
      .stdout.split('\n')
      .filter((l) => l.startsWith('AWS_'))

  const unit = await withInstanceRole(i, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'ap-south-1' }, () =>
    execAsync(i, [
      'systemd-run',
      '--wait',
      '--pipe',
      '--quiet',
      'sh',
      '-c',
      'echo "$AWS_ENDPOINT_URL $AWS_REGION"; curl -sS --max-time 5 "$AWS_ENDPOINT_URL/bucket"',
    ]),
  )
  const [seen, answer] = unit.split('\n')
  assert.match(seen!, new RegExp(`^http://${i.hostIp.replace(/\./g, '\\.')}:\\d+ ap-south-1$`))
  assert.is(answer, 'moto answered /bucket')
  assert.equal(managerEnv(), [], 'taken back after the work')
  const relayed = seen!.split(' ')[0]!
  const after = await fetch(relayed).then(
    () => 'answered',
    () => 'closed',
  )
  assert.is(after, 'closed', 'the relay is gone')

  const failed = await withInstanceRole(i, { AWS_REGION: 'eu-west-1' }, async () => {
    assert.equal(managerEnv(), ['AWS_REGION=eu-west-1'])
    throw new Error('the hook failed')
  }).catch((e: Error) => e.message)
  assert.is(failed, 'the hook failed')
  assert.equal(managerEnv(), [], 'taken back after a failure too')
})

test.run()
