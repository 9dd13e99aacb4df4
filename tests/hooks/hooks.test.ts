// Checks the lifecycle hooks: shellcheck-clean, strict mode, and a tolerant, idempotent ApplicationStop (spawns bash).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { renderHookSettings } from '../../scripts/lib/render/hook-settings.ts'
import { requireTool } from '../harness/tools.ts'
import { fixtureApp, fixtureModel } from '../render-instance/model-fixture.ts'

const hooksDir = new URL('../../hooks/', import.meta.url).pathname
const scripts = readdirSync(hooksDir).filter((f) => f.endsWith('.sh')).map((f) => join(hooksDir, f))

test('every hook is clean under shellcheck', () => {
  const shellcheck = requireTool('shellcheck')
  const r = spawnSync(shellcheck, ['-x', '--severity=style', ...scripts, join(hooksDir, 'lib/common.sh')], { cwd: hooksDir, encoding: 'utf8' })
  assert.is(r.status, 0, r.stdout + r.stderr)
})

test('every hook runs with set -euo pipefail', () => {
  assert.ok(scripts.length >= 6)
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

const runStop = (dir: string, root: string) =>
  spawnSync('bash', [join(dir, 'hooks/application-stop.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH, DEPLOY_ROOT: root, LIFECYCLE_EVENT: 'ApplicationStop' } })

test('ApplicationStop succeeds on a first deploy, twice in a row', () => {
  const dir = bundle(true)
  const root = mkdtempSync(join(tmpdir(), 'root-'))
  for (let i = 0; i < 2; i++) {
    const r = runStop(dir, root)
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, /no pm2 daemon for patient-api; nothing to stop/)
  }
  rmSync(dir, { recursive: true, force: true })
  rmSync(root, { recursive: true, force: true })
})

test('ApplicationStop of a broken revision (no settings) does not poison the deploy', () => {
  const dir = bundle(false)
  const r = runStop(dir, '/nonexistent')
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /no settings in this revision; nothing to stop/)
  rmSync(dir, { recursive: true, force: true })
})

test.run()
