// The sample app build the sandbox releases: a Node server that answers its app, version, user and URL, its package
// files, and a portal's static build (temp folders; runs the server with node on 127.0.0.1).
import { fork } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeSampleApp } from '../../scripts/lib/sandbox/sample-app.ts'
import { fixtureApp } from '../fixtures/model.ts'
import { freePort } from '../harness/ports.ts'

const work = mkdtempSync(join(tmpdir(), 'sample-app-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

const api = fixtureApp({ start: { script: 'dist/server.js', nodeArgs: [] } })
const portal = fixtureApp({
  name: 'admin-portal',
  kind: 'spa',
  start: { script: 'server/index.js', nodeArgs: [] },
  nginx: { ...fixtureApp().nginx, staticRoot: 'build' },
})

test('the server answers its app, the version it was started with, its uid and the URL asked; SIGINT stops it', async () => {
  const dir = join(work, 'api')
  writeSampleApp(dir, api, '2.0.1')
  const port = await freePort()
  const child = fork(join(dir, 'dist/server.js'), [], {
    env: { PORT: String(port), HOST: '127.0.0.1', APP_VERSION: '2.0.1', PATH: process.env.PATH },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  try {
    const ready = await new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve)
      child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)))
    })
    assert.is(ready, 'ready', 'it tells pm2 it is ready (wait_ready)')
    const res = await fetch(`http://127.0.0.1:${port}/api/ping?x=1`)
    assert.is(res.headers.get('content-type'), 'application/json')
    assert.equal(await res.json(), {
      app: 'patient-api',
      version: '2.0.1',
      uid: process.getuid!(),
      url: '/api/ping?x=1',
    })
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })))
    child.kill('SIGINT')
    assert.equal(await exited, { code: 0, signal: null })
  } finally {
    child.kill('SIGKILL')
  }
})

test('package.json and a lock file without dependencies carry the version released, not the configured one', () => {
  const dir = join(work, 'files')
  writeSampleApp(dir, api, '2.0.1')
  assert.equal(readdirSync(dir).sort(), ['dist', 'package-lock.json', 'package.json'])
  assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), {
    name: 'patient-api',
    version: '2.0.1',
    private: true,
  })
  assert.equal(JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')), {
    name: 'patient-api',
    version: '2.0.1',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'patient-api', version: '2.0.1' } },
  })
  writeSampleApp(join(work, 'default'), api)
  assert.is(JSON.parse(readFileSync(join(work, 'default/package.json'), 'utf8')).version, api.version)
})

test('a portal also gets a static build in its nginx root: an index naming the version and the script it loads', () => {
  const dir = join(work, 'portal')
  writeSampleApp(dir, portal, '3.1.0')
  assert.is(
    readFileSync(join(dir, 'build/index.html'), 'utf8'),
    '<!doctype html><title>3.1.0</title><script src="/static/js/main.js"></script>\n',
  )
  assert.is(readFileSync(join(dir, 'build/static/js/main.js'), 'utf8'), 'console.log("3.1.0")\n')
  assert.ok(existsSync(join(dir, 'server/index.js')))
  assert.not.ok(existsSync(join(work, 'files/build')), 'an api has no static build')
})

test.run()
