// Checks the lifecycle hooks: shellcheck-clean, strict mode, and a tolerant, idempotent ApplicationStop (spawns bash).
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { renderHookSettings } from '../../scripts/lib/render/hook-settings.ts'
import { waitFor } from '../harness/ports.ts'
import { requireTool } from '../harness/tools.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

const hooksDir = new URL('../../hooks/', import.meta.url).pathname
// The hooks of app bundles (hooks/*.sh) and of the backup tool's bundle (hooks/backup/*.sh); lib.sh files are sourced, not run.
const scripts = ['', 'backup/'].flatMap((d) =>
  readdirSync(join(hooksDir, d))
    .filter((f) => f.endsWith('.sh') && f !== 'lib.sh')
    .map((f) => join(hooksDir, d, f)),
)
const sourced = ['lib/base.sh', 'lib/common.sh', 'backup/lib.sh'].map((f) => join(hooksDir, f))

test('every hook is clean under shellcheck', () => {
  const shellcheck = requireTool('shellcheck')
  const r = spawnSync(shellcheck, ['-x', '--severity=style', ...scripts, ...sourced], {
    cwd: hooksDir,
    encoding: 'utf8',
  })
  assert.is(r.status, 0, r.stdout + r.stderr)
})

test('pm2-summary counts the named app, and fails when pm2 gave no list instead of reporting none', () => {
  const summary = (input: string) =>
    spawnSync(process.execPath, [join(hooksDir, 'lib/pm2-summary.mjs'), 'patient-api'], { input, encoding: 'utf8' })
  const list = JSON.stringify([
    { name: 'patient-api', pm2_env: { status: 'online', restart_time: 1 } },
    { name: 'patient-api', pm2_env: { status: 'errored', restart_time: 0, unstable_restarts: 2 } },
    { name: 'doctor-api', pm2_env: { status: 'online', restart_time: 5 } },
  ])
  assert.is(summary(`[PM2] Spawning PM2 daemon\n${list}`).stdout, 'online=1 total=2 restarts=3 errored=1\n')
  assert.is(summary('[]').stdout, 'online=0 total=0 restarts=0 errored=0\n')
  for (const bad of ['', 'connect ECONNREFUSED /root/.pm2/rpc.sock', '[PM2] {"half": ']) {
    const r = summary(bad)
    assert.is(r.status, 1, bad)
    assert.is(r.stdout, '', bad)
  }
})

test("npm ci never runs a dependency's script as root: as the app user, or with --ignore-scripts", () => {
  const calls = scripts.flatMap((s) =>
    readFileSync(s, 'utf8')
      .split('\n')
      .filter((l) => /(^|[\s(])npm ci\b/.test(l) && !/^\s*#/.test(l))
      .map((l) => `${s}: ${l.trim()}`),
  )
  assert.ok(calls.length >= 2, calls.join('\n'))
  for (const c of calls)
    assert.ok(/runuser -u "\$\w+" -- (env (\S+ )+)?npm ci/.test(c) || c.includes('--ignore-scripts'), c)
})

test('every hook runs with set -euo pipefail', () => {
  assert.ok(scripts.length >= 10)
  for (const s of scripts) assert.match(readFileSync(s, 'utf8'), /^set -euo pipefail$/m, s)
})

function bundle(withSettings: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-'))
  cpSync(hooksDir, join(dir, 'hooks'), { recursive: true })
  if (withSettings) {
    mkdirSync(join(dir, 'deploy'))
    writeFileSync(join(dir, 'deploy/hook.env'), renderHookSettings(fixtureApp(), fixtureModel()).contents)
  }
  return dir
}

// Reads (never writes) this machine's /var/lib/drsignet/patient-api/pm2, which does not exist here: a first deploy.
const runStop = (dir: string) =>
  spawnSync('bash', [join(dir, 'hooks/application-stop.sh')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LIFECYCLE_EVENT: 'ApplicationStop' },
  })

test('ApplicationStop succeeds on a first deploy, twice in a row', () => {
  const dir = bundle(true)
  for (let i = 0; i < 2; i++) {
    const r = runStop(dir)
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, /no pm2 daemon for patient-api; nothing to stop/)
  }
  rmSync(dir, { recursive: true, force: true })
})

test('ApplicationStop of a broken revision (no settings) does not poison the deploy', () => {
  const dir = bundle(false)
  const r = runStop(dir)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /no settings in this revision; nothing to stop/)
  rmSync(dir, { recursive: true, force: true })
})

test('a pid file naming a zombie, a dead or no process is not a live daemon (killed instances leave zombies)', async () => {
  const dir = bundle(true)
  // `sleep 1 &` then exec: the child exits once its parent is `sleep 5`, which never reaps it. (A child that exited
  // before the exec would be reaped by bash itself, and there would be no zombie.)
  const parent = spawn('bash', ['-c', 'sleep 1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const pidFile = join(dir, 'test.pid')
  const alive = (pid: string) => {
    writeFileSync(pidFile, pid)
    return (
      spawnSync('bash', ['-c', '. "$0/hooks/lib/common.sh" && pid_file_alive "$1"', dir, pidFile], {
        env: { PATH: process.env.PATH },
      }).status === 0
    )
  }
  try {
    const zombie = Number(
      await new Promise<string>((resolve) => parent.stdout.once('data', (b) => resolve(String(b).trim()))),
    )
    assert.ok(zombie > 0, 'the child pid')
    await waitFor(
      `${zombie} to be a zombie`,
      async () => /^State:\s+Z/m.test(readFileSync(`/proc/${zombie}/status`, 'utf8')),
      5000,
    )
    assert.ok(alive(String(parent.pid)), 'a live process')
    assert.not.ok(alive(String(zombie)), 'a zombie')
    assert.not.ok(alive('999999999'), 'no such process')
    assert.not.ok(alive('not-a-pid'), 'garbage')
    rmSync(pidFile)
    assert.not.ok(
      spawnSync('bash', ['-c', '. "$0/hooks/lib/common.sh" && pid_file_alive "$1"', dir, pidFile]).status === 0,
      'no pid file',
    )
  } finally {
    parent.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
