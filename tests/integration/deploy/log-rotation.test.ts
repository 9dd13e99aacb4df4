// Proof: on an instance, root's daily logrotate with the rendered configuration (deploy/logrotate.conf, installed by
// AfterInstall) rotates pm2's logs while the app writes (2 workers, 1000 lines/s each), loses no line, and logging
// goes on. The app is deployed by the real CodeDeploy agent; logrotate runs inside the instance as the timer runs it.
// I/O: starts moto, nginx and one booted instance (systemd, nginx, pm2, the writer app); stops them all.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec, pathIn } from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { instancePaths } from '../../../scripts/lib/render/hook-settings.ts'
import { freePort, waitFor } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { explain, makeBundle, putSecret, testApp } from './support.ts'

const LINES = 6000
const app = testApp('1.0.0')
const paths = instancePaths(app)
const work = mkdtempSync(join(tmpdir(), 'logrotate-'))
let moto: Moto
let fleet: Fleet | undefined

// Each worker answers the health check and, once asked (/start), writes numbered lines, one per millisecond,
// then a done marker and a slow trickle.
const writer = `'use strict'
const http = require('node:http')
const id = process.env.NODE_APP_INSTANCE
let started = false
http.createServer((req, res) => {
  if (req.url === '/start' && !started) {
    started = true
    let n = 0
    const t = setInterval(() => {
      console.log('w' + id + ' ' + n++)
      if (n === ${LINES}) { clearInterval(t); console.log('w' + id + ' done'); let k = 0; setInterval(() => console.log('w' + id + ' after ' + k++), 20) }
    }, 1)
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ version: process.env.APP_VERSION, writing: started }))
}).listen(Number(process.env.PORT), process.env.HOST, () => { if (process.send) process.send('ready') })
`

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl', 'logrotate']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, fixtureModel([app]), app, 'LOG_TEST=1\n')
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

test('rotation while the app writes loses no line, and logging goes on', async () => {
  const f = (fleet = await createFleet(join(work, 'fleet'), 1, [
    { proxyPort: app.proxyPort, lbPort: await freePort() },
  ]))
  const i = f.instances[0]!
  const r = await deployRevision(f, await makeBundle(join(work, 'bundles'), app, { server: writer }), {
    passEnv: moto.env,
  })
  assert.ok(r.ok, explain(r))
  const logDir = pathIn(i, paths.logDir)
  const allLines = () =>
    readdirSync(logDir)
      .filter((n) => n.startsWith('out.log'))
      .flatMap((n) => {
        const raw = readFileSync(join(logDir, n))
        return (n.endsWith('.gz') ? gunzipSync(raw) : raw).toString().split('\n').filter(Boolean)
      })

  // Both cluster workers start writing (the cluster balances the two requests across them).
  for (
    let k = 0;
    k < 8 &&
    new Set(
      allLines()
        .map((l) => l.match(/: w(\d) 0$/)?.[1])
        .filter(Boolean),
    ).size < 2;
    k++
  ) {
    instanceExec(i, ['curl', '-sS', '--max-time', '2', `http://127.0.0.1:${app.port}/start`])
    await new Promise((res) => setTimeout(res, 50))
  }
  for (let k = 0; k < 3; k++) {
    await new Promise((res) => setTimeout(res, 1100)) // dateext names have one-second resolution
    const rotate = instanceExec(i, ['logrotate', '-f', `/etc/logrotate.d/drsignet-${app.name}`])
    assert.is(rotate.exitCode, 0, rotate.stderr)
  }
  await waitFor('both workers to finish', async () => allLines().filter((l) => / done$/.test(l)).length === 2, 30_000)

  const files = readdirSync(logDir)
    .filter((n) => n.startsWith('out.log'))
    .sort()
  assert.ok(files.length >= 4, `expected 3 rotated files and out.log, got ${files}`)
  assert.ok(
    files.some((n) => n.endsWith('.gz')),
    'older rotations are compressed',
  )
  const lines = allLines()
  for (const w of ['0', '1']) {
    const seen = new Set(
      lines
        .map((l) => l.match(new RegExp(`w${w} (\\d+)$`))?.[1])
        .filter(Boolean)
        .map(Number),
    )
    const missing = Array.from({ length: LINES }, (_, n) => n).filter((n) => !seen.has(n))
    assert.equal(missing.slice(0, 10), [], `worker ${w} lost ${missing.length} lines`)
  }
  // Logging goes on in the file opened after the last rotation, with pm2's time prefix.
  const prefixed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}: w\d (after )?\d+$/m
  await waitFor(
    'lines in the new out.log',
    async () => prefixed.test(readFileSync(join(logDir, 'out.log'), 'utf8')),
    10_000,
  )
})

test.run()
