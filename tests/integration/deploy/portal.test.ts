// Proof, under the real CodeDeploy agent: the admin portal's bundle deploys like the APIs and its rendered vhost
// serves the built React files itself (hashed assets cached for a year, index.html revalidated) while other paths
// reach the portal's Node server; a browser that revalidates the old index.html after a release gets the new one and
// every asset it names; AfterInstall hands the group's CloudWatch agent configuration to the agent once, and not
// again while unchanged.
// I/O: starts moto, nginx (the load balancer) and one booted instance (systemd, nginx, pm2, a Node app); stops them all.
import { request } from 'node:http'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { App } from '../../../scripts/lib/config/model.ts'
import { buildBundle } from '../../../scripts/lib/bundle/build.ts'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { pathIn } from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { renderAppFiles } from '../../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../../scripts/lib/render/render-all.ts'
import { freePort } from '../../harness/ports.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { requireTool } from '../../harness/tools.ts'
import { fixtureModel } from '../../fixtures/model.ts'
import { explain, putSecret, readIn, testApp } from './support.ts'

const host = 'admin.drsignet.com'
const portal: App = testApp('2.3.1', {
  name: 'admin-portal',
  kind: 'spa',
  port: 3003,
  proxyPort: 8083,
  hosts: [host],
  start: { script: 'server/index.js', nodeArgs: [] },
  healthCheck: {
    path: '/healthz',
    interval: 30,
    timeout: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    matcher: '200-299',
  },
  pm2: { instances: 1, maxMemoryRestart: '256M', killTimeout: 3000, listenTimeout: 5000, waitReady: true },
  nginx: {
    clientMaxBodySize: '5m',
    connectTimeout: '5s',
    readTimeout: '30s',
    sendTimeout: '30s',
    websockets: false,
    staticRoot: 'build',
    assetsPath: '/static/',
  },
})
const model = fixtureModel([portal])
const work = mkdtempSync(join(tmpdir(), 'deploy-portal-'))
let moto: Moto
let fleet: Fleet | undefined

// The portal's Node server: health and whatever nginx does not find on disk (client-side routes, /api).
const serverJs = `'use strict'
const http = require('node:http')
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ from: 'node', url: req.url, version: process.env.APP_VERSION }))
})
server.listen(Number(process.env.PORT), process.env.HOST, () => { if (process.send) process.send('ready') })
process.on('SIGINT', () => server.close(() => process.exit(0)))
`

/** A portal release: its build names one content-hashed bundle, as a React build does. */
const releases: Record<string, string> = { '2.3.1': 'main.3f9a2c.js', '2.3.2': 'main.8b1d0e.js' }

async function portalBundle(version = '2.3.1') {
  const app = { ...portal, version }
  const artifact = join(work, `artifact-${version}`)
  mkdirSync(join(artifact, 'server'), { recursive: true })
  mkdirSync(join(artifact, 'build/static/js'), { recursive: true })
  writeFileSync(join(artifact, 'server/index.js'), serverJs)
  // The same length in both releases: nginx's ETag is time and size, so only the time can tell them apart.
  writeFileSync(
    join(artifact, 'build/index.html'),
    `<!doctype html><div id="root"></div><script src="/static/js/${releases[version]}"></script>\n`,
  )
  writeFileSync(join(artifact, `build/static/js/${releases[version]}`), `console.log("admin portal ${version}")\n`)
  writeFileSync(join(artifact, 'package.json'), `${JSON.stringify({ name: app.name, version, private: true })}\n`)
  const m = fixtureModel([app])
  const built = await buildBundle(app, renderAppFiles(app, m, loadNginxTemplates()), {
    artifactDir: artifact,
    outDir: join(work, 'bundles'),
  })
  return built.file
}

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string }
const get = (port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: { host, ...headers }, timeout: 5000 },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)))
    req.on('error', reject)
    req.end()
  })

test.before(async () => {
  for (const t of ['nginx', 'ip', 'curl']) requireTool(t)
  moto = await startMoto()
  await putSecret(moto.endpoint, model, portal, 'API_URL=https://patient-api.drsignet.com\n')
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

test('the deployed portal serves its build from disk and everything else from its Node server', async () => {
  const lbPort = await freePort()
  const f = (fleet = await createFleet(join(work, 'fleet'), 1, [{ proxyPort: portal.proxyPort, lbPort }]))
  installAgentStub(f)
  const r = await deployRevision(f, await portalBundle(), { passEnv: moto.env })
  assert.ok(r.ok, explain(r))

  const asset = await get(lbPort, '/static/js/main.3f9a2c.js')
  assert.is(asset.status, 200, asset.body)
  assert.is(asset.body, 'console.log("admin portal 2.3.1")\n')
  assert.is(asset.headers['cache-control'], 'public, max-age=31536000, immutable')

  const html = await get(lbPort, '/index.html')
  assert.is(html.status, 200, html.body)
  assert.match(html.body, /<div id="root">/)
  assert.is(html.headers['cache-control'], 'no-cache')
  assert.ok(html.headers['content-security-policy'] ?? html.headers['x-frame-options'], 'the portal security headers')

  const route = await get(lbPort, '/patients/42')
  assert.equal(JSON.parse(route.body), { from: 'node', url: '/patients/42', version: '2.3.1' })
  assert.is((await get(lbPort, '/static/js/missing.js')).status, 404, 'a missing hashed asset is a 404, not the app')
})

test('the CloudWatch agent gets the group configuration once, and not again while it is unchanged', async () => {
  const i = fleet!.instances[0]!
  const calls = () => readIn(i, '/opt/aws/amazon-cloudwatch-agent/calls.log').trim().split('\n')
  assert.equal(calls(), ['-a fetch-config -m ec2 -s -c file:/etc/drsignet/cloudwatch-agent/merged.json'])
  const applied = JSON.parse(readIn(i, '/opt/aws/amazon-cloudwatch-agent/etc/drsignet.json'))
  const files = applied.logs.logs_collected.files.collect_list.map((f: { file_path: string }) => f.file_path)
  assert.ok(files.includes('/var/log/drsignet/admin-portal/out.log'), files.join(' '))
  assert.equal(applied.metrics.metrics_collected.mem.measurement, ['mem_used_percent'])

  const again = await deployRevision(fleet!, await portalBundle(), { passEnv: moto.env })
  assert.ok(again.ok, explain(again))
  assert.is(calls().length, 1, 'an unchanged configuration does not restart the agent')
})

test('after 2.3.1 -> 2.3.2 a browser revalidating the old index.html gets the new one and every asset it names', async () => {
  const lb = fleet!.targets[0]!.lbPort
  const old = await get(lb, '/index.html')
  assert.is(old.status, 200)
  const etag = String(old.headers.etag)
  const lastModified = String(old.headers['last-modified'])
  assert.ok(etag && lastModified, JSON.stringify(old.headers))
  // Unchanged content revalidates as unchanged: caching still works.
  assert.is((await get(lb, '/index.html', { 'if-none-match': etag, 'if-modified-since': lastModified })).status, 304)

  const r = await deployRevision(fleet!, await portalBundle('2.3.2'), { passEnv: moto.env })
  assert.ok(r.ok, explain(r))
  const fresh = await get(lb, '/index.html', { 'if-none-match': etag, 'if-modified-since': lastModified })
  assert.is(
    fresh.status,
    200,
    `the new index.html, not a 304 for the old one (ETag ${etag}, Last-Modified ${lastModified})`,
  )
  assert.ok(
    fresh.headers.etag !== etag && fresh.headers['last-modified'] !== lastModified,
    JSON.stringify(fresh.headers),
  )
  const named = [...fresh.body.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!)
  assert.equal(named, ['/static/js/main.8b1d0e.js'])
  for (const asset of named) {
    const a = await get(lb, asset)
    assert.is(a.status, 200, asset)
    assert.is(a.body, 'console.log("admin portal 2.3.2")\n')
  }
})

/** Stands in for amazon-cloudwatch-agent-ctl (no agent runs here): records how AfterInstall calls it. */
function installAgentStub(f: Fleet) {
  const i = f.instances[0]!
  const bin = pathIn(i, '/opt/aws/amazon-cloudwatch-agent/bin')
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'amazon-cloudwatch-agent-ctl'), `#!/bin/sh\necho "$*" >> "$(dirname "$0")/../calls.log"\n`, {
    mode: 0o755,
  })
  assert.not.ok(existsSync(pathIn(i, '/opt/aws/amazon-cloudwatch-agent/calls.log')))
}

test.run()
