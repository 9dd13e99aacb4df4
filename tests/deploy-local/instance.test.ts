// One local instance: where its writes land, what a stopped or recycled one is, and one real boot: commands run in
// its namespaces as root with a service's clean environment, writes go to its overlay or an attached volume and never
// to the host, host mounts are read-only inside, the manager environment is set and taken back, and a kill stops
// every process (boots one instance with systemd in namespaces; temp folders; all stopped and removed after).
// test-timeout: 120 s
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  attachVolumes,
  bootInstance,
  execArgv,
  initPid,
  instanceExec,
  isRunning,
  killInstance,
  pathIn,
  processesOf,
  removeNetwork,
  SERVICE_PATH,
  setServiceEnvironment,
  unsetServiceEnvironment,
  writtenPath,
  type Instance,
} from '../../scripts/lib/deploy-local/instance.ts'
import { startTime } from '../../scripts/lib/deploy-local/proc.ts'
import { testInstance } from '../harness/test-instance.ts'

const work = mkdtempSync(join(tmpdir(), 'instance-'))
const i: Instance = testInstance(join(work, 'instances/i1'), 1, { letter: 'i', octet: 229 })
const volume = join(work, 'volume')
const packaged = join(work, 'packaged')

test.after(() => {
  killInstance(i)
  removeNetwork(i)
  rmSync(work, { recursive: true, force: true })
})

const run = (argv: string[], env?: Record<string, string>) => {
  const r = instanceExec(i, argv, { env })
  return { code: r.exitCode, out: r.stdout, err: r.stderr.trim() }
}

test("a path the instance writes is found in its disk's upper layer, /usr/local as usr-local", () => {
  const stopped = { ...i, dir: '/f/instances/i2' }
  assert.is(writtenPath(stopped, '/etc/nginx/conf.d/a.conf'), '/f/instances/i2/disk/upper/etc/nginx/conf.d/a.conf')
  assert.is(writtenPath(stopped, '/usr/local/bin/pm2'), '/f/instances/i2/disk/upper/usr-local/bin/pm2')
  assert.is(writtenPath(stopped, '/var'), '/f/instances/i2/disk/upper/var')
  for (const path of ['/tmp/x', '/usr/bin/node', '/etcetera/x', '/run/nginx.pid'])
    assert.throws(
      () => writtenPath(stopped, path),
      (e: Error) => e.message === `${path} is not on a persistent layer of the instance`,
      path,
    )
})

test('an instance never booted, or whose pid now belongs to another process, is not running and is never signalled', () => {
  const never = { ...i, name: 'i9' }
  const recycled = { ...i, name: 'i8', pid: process.pid, started: String(Number(startTime(process.pid)) + 1) }
  for (const x of [never, recycled]) {
    assert.is(isRunning(x), false)
    assert.is(initPid(x), undefined)
    assert.equal(processesOf(x), [])
    assert.throws(
      () => pathIn(x, '/etc'),
      (e: Error) => e.message === `instance ${x.name} is not running`,
    )
    assert.throws(
      () => execArgv(x, ['true']),
      (e: Error) => e.message === `instance ${x.name} is not running`,
    )
    assert.is(killInstance(x), 0)
    assert.is(x.pid, undefined)
  }
  assert.ok(existsSync(`/proc/${process.pid}`), 'this process, whose pid the recycled instance held, lives')
})

test('attached volumes are listed for the next boot, one "HOST PATH MODE" line each', () => {
  mkdirSync(volume, { recursive: true })
  mkdirSync(packaged, { recursive: true })
  writeFileSync(join(packaged, 'tool'), 'packaged\n')
  attachVolumes(i, [
    { hostDir: volume, path: '/srv/data' },
    { hostDir: packaged, path: '/usr/local/lib/packaged', readOnly: true },
  ])
  assert.is(
    readFileSync(join(i.dir, 'disk/volumes'), 'utf8'),
    `${volume} /srv/data rw\n${packaged} /usr/local/lib/packaged ro\n`,
  )
})

test('booted: commands run as root in its own namespaces, with only the service PATH, LANG and what was given', async () => {
  const revisions = join(work, 'revisions')
  mkdirSync(revisions, { recursive: true })
  await bootInstance(i, revisions)
  assert.ok(isRunning(i))
  const inside = run([
    'sh',
    '-c',
    'id -un; hostname; cat /proc/1/comm; ip -4 -o addr show dev "$1" | awk "{print \\$4}"',
    'sh',
    i.nsIf,
  ])
  assert.equal(inside, { code: 0, out: `root\n${i.name}\nsystemd\n${i.nsIp}/30\n`, err: '' })
  assert.equal(run(['env'], { GREETING: 'hello there' }), {
    code: 0,
    out: `PATH=${SERVICE_PATH}\nLANG=C.UTF-8\nGREETING=hello there\n`,
    err: '',
  })
})

test("booted: a write lands in the instance's overlay, an attached volume's in its host folder, never on the host path", () => {
  const probe = `/etc/deploy-local-probe-${i.netns}`
  assert.is(run(['sh', '-c', `echo overlay > ${probe} && echo volume > /srv/data/probe`]).code, 0)
  assert.is(readFileSync(writtenPath(i, probe), 'utf8'), 'overlay\n')
  assert.is(readFileSync(pathIn(i, probe), 'utf8'), 'overlay\n')
  assert.not.ok(existsSync(probe), 'the host has no such file')
  assert.is(readFileSync(join(volume, 'probe'), 'utf8'), 'volume\n')
  assert.is(run(['cat', '/usr/local/lib/packaged/tool']).out, 'packaged\n')
})

test('booted: the host tree and a read-only volume cannot be written from inside', () => {
  for (const path of ['/usr/bin/deploy-local-probe', '/usr/local/lib/packaged/probe']) {
    const r = run(['sh', '-c', `: > ${path}`])
    assert.is(r.code, 2, path)
    assert.match(r.err, /Read-only file system$/, path)
  }
  assert.not.ok(existsSync('/usr/bin/deploy-local-probe'))
  assert.not.ok(existsSync(join(packaged, 'probe')))
})

test("booted: the service manager's environment is set for units started after, then taken back", () => {
  const shown = () =>
    run(['systemctl', 'show-environment'])
      .out.split('\n')
      .filter((l) => l.startsWith('DL_TEST_'))
  setServiceEnvironment(i, { DL_TEST_ENDPOINT: 'http://10.249.230.1:4566', DL_TEST_REGION: 'ap-south-1' })
  assert.equal(shown(), ['DL_TEST_ENDPOINT=http://10.249.230.1:4566', 'DL_TEST_REGION=ap-south-1'])
  const unit = run(['systemd-run', '--wait', '--pipe', '--quiet', 'sh', '-c', 'echo "$DL_TEST_REGION"'])
  assert.equal(unit, { code: 0, out: 'ap-south-1\n', err: '' })
  unsetServiceEnvironment(i, ['DL_TEST_ENDPOINT', 'DL_TEST_REGION'])
  assert.equal(shown(), [])
})

test('booted: a kill stops every process of the instance and forgets its boot; its disk stays', () => {
  const before = processesOf(i)
  assert.ok(before.length >= 3, `systemd, the journal, nginx: ${before.length}`)
  assert.ok(before.includes(initPid(i)!))
  assert.is(killInstance(i), before.length)
  assert.equal(
    before.filter((pid) => existsSync(`/proc/${pid}`)),
    [],
    'no process of the instance is left',
  )
  assert.is(isRunning(i), false)
  assert.equal([i.pid, i.started], [undefined, undefined])
  assert.is(readFileSync(writtenPath(i, `/etc/deploy-local-probe-${i.netns}`), 'utf8'), 'overlay\n')
})

test.run()
