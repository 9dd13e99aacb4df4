// Proof: rotating pm2's logs while the app writes (2 workers, 1000 lines/s each) loses no line and logging goes on.
// I/O: starts a pm2 daemon with its own PM2_HOME and runs logrotate with the rendered config; stops them.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { renderEcosystem, renderLogrotate } from '../../../scripts/lib/render/pm2.ts'
import { waitFor } from '../../harness/ports.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureApp, fixtureModel } from '../../render-instance/model-fixture.ts'

const repo = new URL('../../../', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'logrotate-'))
const app = fixtureApp({ user: 'root', pm2: { ...fixtureApp().pm2, instances: 2 } })
const paths = instancePaths(app)
const at = (p: string) => join(root, p)
const LINES = 4000
const env = { ...process.env, DEPLOY_ROOT: root, PM2_HOME: at(paths.pm2Home), PATH: `${repo}node_modules/.bin:${process.env.PATH}` }
const pm2 = (...args: string[]) => execFileSync('pm2', args, { env, stdio: 'pipe' }).toString()

// Each worker writes numbered lines, one per millisecond, then a done marker.
const writer = `'use strict'
const id = process.env.NODE_APP_INSTANCE
let n = 0
if (process.send) process.send('ready')
const t = setInterval(() => {
  console.log('w' + id + ' ' + n++)
  if (n === ${LINES}) { clearInterval(t); console.log('w' + id + ' done'); let k = 0; setInterval(() => console.log('w' + id + ' after ' + k++), 20) }
}, 1)
`

function allLines(): string[] {
  const dir = at(paths.logDir)
  return readdirSync(dir).filter((f) => f.startsWith('out.log')).flatMap((f) => {
    const raw = readFileSync(join(dir, f))
    return (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString().split('\n').filter(Boolean)
  })
}

test.after(() => {
  try { pm2('kill') } catch { /* not started */ }
  rmSync(root, { recursive: true, force: true })
})

test('rotation while the app writes loses no line, and logging goes on', async () => {
  const logrotate = requireTool('logrotate')
  mkdirSync(at(`${paths.appDir}/dist`), { recursive: true })
  mkdirSync(at(paths.logDir), { recursive: true })
  mkdirSync(at(paths.pm2Home), { recursive: true })
  mkdirSync(at('/etc/drsignet/patient-api'), { recursive: true })
  writeFileSync(at(`${paths.appDir}/dist/server.js`), writer)
  writeFileSync(at(paths.envFile), 'LOG_TEST=1\n', { mode: 0o600 })
  writeFileSync(at('ecosystem.config.cjs'), renderEcosystem(app, fixtureModel([app])).contents)
  // The rendered file, with the instance paths moved under this test's root.
  const conf = renderLogrotate(app).contents.replaceAll('/var/log/drsignet/', `${root}/var/log/drsignet/`).replaceAll('/var/lib/drsignet/', `${root}/var/lib/drsignet/`)
    .replaceAll('/opt/drsignet/patient-api/current/hooks/', `${repo}hooks/`)
  writeFileSync(at('logrotate.conf'), conf, { mode: 0o644 })

  pm2('start', at('ecosystem.config.cjs'))
  const rotate = () => execFileSync(logrotate, ['-f', '-s', at('logrotate.state'), at('logrotate.conf')], { env, stdio: 'pipe' })
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1100)) // dateext names have one-second resolution
    rotate()
  }
  await waitFor('both workers to finish', async () => allLines().filter((l) => / done$/.test(l)).length === 2, 30_000)

  const files = readdirSync(at(paths.logDir)).filter((f) => f.startsWith('out.log')).sort()
  assert.ok(files.length >= 4, `expected 3 rotated files and out.log, got ${files}`)
  assert.ok(files.some((f) => f.endsWith('.gz')), 'older rotations are compressed')
  const lines = allLines()
  for (const w of ['0', '1']) {
    const seen = new Set(lines.map((l) => l.match(new RegExp(`w${w} (\\d+)$`))?.[1]).filter(Boolean).map(Number))
    const missing = Array.from({ length: LINES }, (_, i) => i).filter((i) => !seen.has(i))
    assert.equal(missing.slice(0, 10), [], `worker ${w} lost ${missing.length} lines`)
  }
  // Logging goes on in the file opened after the last rotation, with pm2's time prefix.
  const prefixed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}: w\d (after )?\d+$/m
  await waitFor('lines in the new out.log', async () => prefixed.test(readFileSync(at(`${paths.logDir}/out.log`), 'utf8')), 10_000)
})

test.run()
