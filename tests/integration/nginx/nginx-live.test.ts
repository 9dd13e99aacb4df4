// Real nginx on loopback in front of small Node apps, configured by the rendered vhosts of a sample variant.
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Model } from '../../../scripts/lib/config/model.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { startEchoApp, type EchoApp } from '../../harness/echo-app.ts'
import { layoutPrefix, nginxFilesOf, startNginx, type Nginx } from '../../harness/nginx.ts'
import { freePort } from '../../harness/ports.ts'

// The production sample, moved to free loopback ports, trusting the loopback "ALB", with limits small enough to hit.
const base = readModel('.', 'production')
const model: Model = structuredClone(base) as Model
model.env.network.vpcCidr = '127.0.0.0/8'
const byName = (n: string) => model.apps.find((a) => a.name === n)!
const patient = byName('patient-api')
const doctor = byName('doctor-api')
const portal = byName('admin-portal')
patient.nginx.clientMaxBodySize = '1k'
patient.nginx.rateLimit = { rate: '2r/s', burst: 5 }
doctor.paths = ['/v1/', '/v2/']
delete doctor.nginx.rateLimit
const instanceRoot = mkdtempSync(join(tmpdir(), 'instance-'))
const assets = join(instanceRoot, `/opt/drsignet/admin-portal/current/app/${portal.nginx.staticRoot}`)
mkdirSync(join(assets, 'static/js'), { recursive: true })
writeFileSync(join(assets, 'index.html'), '<!doctype html><title>portal</title>')
writeFileSync(join(assets, 'static/js/main.3f2a1b.js'), 'console.log("portal")')
// What a careless build leaves beside the assets.
writeFileSync(join(assets, 'static/js/main.3f2a1b.js.map'), '{"version":3,"sources":["src/secret.ts"]}')
writeFileSync(join(assets, '.env'), 'REACT_APP_KEY=x')
mkdirSync(join(assets, '.git'))
writeFileSync(join(assets, '.git/config'), '[core]')
mkdirSync(join(assets, '.well-known'))
writeFileSync(join(assets, '.well-known/security.txt'), 'Contact: mailto:security@drsignet.com\n')

let apps: Record<string, EchoApp> = {}
let nginx: Nginx

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: string }
const get = (
  port: number,
  path: string,
  opts: { host?: string; headers?: Record<string, string>; method?: string; body?: string; agent?: any } = {},
): Promise<Res> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        agent: opts.agent,
        headers: { host: opts.host ?? 'x', ...opts.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
const json = (r: Res) => JSON.parse(r.body)

test.before(async () => {
  for (const app of model.apps) {
    app.port = await freePort()
    app.proxyPort = await freePort()
    apps[app.name] = await startEchoApp(app.name, app.port)
  }
  nginx = await startNginx(
    layoutPrefix(nginxFilesOf(model, instanceRoot)),
    model.apps.map((a) => a.proxyPort),
  )
})
test.after(async () => {
  await nginx?.stop()
  await Promise.all(Object.values(apps).map((a) => a.stop().catch(() => {})))
})

test("routes by Host: the app's hosts reach it, an unknown host gets 421", async () => {
  const ok = await get(patient.proxyPort, '/appointments', { host: 'patient-api.drsignet.com' })
  assert.is(ok.status, 200)
  assert.is(json(ok).app, 'patient-api')
  const other = await get(patient.proxyPort, '/appointments', { host: 'evil.example' })
  assert.is(other.status, 421)
  assert.is(other.headers['content-type'], 'application/json')
})

test('routes by path: listed prefixes reach the app, others do not', async () => {
  const host = 'doctor-api.drsignet.com'
  assert.is(json(await get(doctor.proxyPort, '/v1/patients', { host })).url, '/v1/patients')
  assert.is(json(await get(doctor.proxyPort, '/v2/slots?day=1', { host })).url, '/v2/slots?day=1')
  assert.is((await get(doctor.proxyPort, '/admin/', { host })).status, 404)
})

test('the health location answers for any Host, as the ALB checks by IP', async () => {
  const r = await get(patient.proxyPort, '/healthz', { host: '10.20.1.15' })
  assert.is(r.status, 200)
  assert.equal(json(r), { status: 'ok', app: 'patient-api' })
})

test('forwarded headers and the real client IP from the trusted load balancer', async () => {
  const r = json(
    await get(patient.proxyPort, '/me', {
      host: 'patient-api.drsignet.com',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' },
    }),
  )
  assert.is(r.headers.host, 'patient-api.drsignet.com')
  assert.is(r.headers['x-real-ip'], '203.0.113.7')
  assert.is(r.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1')
  assert.is(r.headers['x-forwarded-proto'], 'https')
  assert.is(r.headers['x-forwarded-port'], '443')
  assert.match(r.headers['x-request-id'], /^[0-9a-f]{32}$/)
  // Without the ALB's headers, nginx states what it saw itself.
  const direct = json(await get(patient.proxyPort, '/me', { host: 'patient-api.drsignet.com' }))
  assert.is(direct.headers['x-forwarded-for'], '127.0.0.1')
  assert.is(direct.headers['x-forwarded-proto'], 'http')
  assert.is(direct.headers['x-forwarded-port'], String(patient.proxyPort))
})

test('security headers, no server version', async () => {
  const r = await get(patient.proxyPort, '/me', { host: 'patient-api.drsignet.com' })
  assert.is(r.headers['x-content-type-options'], 'nosniff')
  assert.is(r.headers['referrer-policy'], 'no-referrer')
  assert.is(r.headers['x-frame-options'], 'DENY')
  assert.is(r.headers.server, 'nginx')
  assert.is(r.headers['x-powered-by'], undefined, 'the framework is not announced')
  assert.is(r.headers['cache-control'], 'no-store', 'an API answer is never stored, whatever the app said')
})

test('a WebSocket upgrade passes through to the app', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(doctor.proxyPort, '127.0.0.1', () => {
      socket.write(
        'GET /v1/live HTTP/1.1\r\nHost: doctor-api.drsignet.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      )
    })
    let data = ''
    socket.on('data', (d) => {
      data += d
      if (data.includes('\r\n\r\n') && !data.includes('ping')) socket.write('ping')
      if (data.endsWith('ping')) {
        socket.end()
        resolve(data)
      }
    })
    socket.on('error', reject)
    setTimeout(() => {
      socket.destroy()
      reject(new Error(`no upgrade: ${data}`))
    }, 3000)
  })
  assert.match(reply, /^HTTP\/1\.1 101 Switching Protocols/)
  assert.match(reply, 'X-App: doctor-api')
})

test('a body over client_max_body_size gets 413', async () => {
  const host = 'patient-api.drsignet.com'
  assert.is((await get(patient.proxyPort, '/upload', { host, method: 'POST', body: 'x'.repeat(512) })).status, 200)
  assert.is((await get(patient.proxyPort, '/upload', { host, method: 'POST', body: 'x'.repeat(4096) })).status, 413)
})

test('upstream connections are reused (keepalive)', async () => {
  const app = apps['doctor-api']!
  app.sockets.clear()
  for (let i = 0; i < 30; i++) await get(doctor.proxyPort, `/v1/ping/${i}`, { host: 'doctor-api.drsignet.com' })
  assert.ok(app.sockets.size <= 2, `30 requests used ${app.sockets.size} upstream connections`)
})

test('a burst over the rate limit gets 429, counted per real client', async () => {
  const burst = (client: string) =>
    Promise.all(
      Array.from({ length: 20 }, () =>
        get(patient.proxyPort, '/burst', { host: 'patient-api.drsignet.com', headers: { 'x-forwarded-for': client } }),
      ),
    )
  const codes = (await burst('198.51.100.9')).map((r) => r.status)
  assert.ok(codes.includes(200) && codes.includes(429), codes.join(','))
  // Another client behind the same load balancer is not limited by the first one's burst.
  assert.is(
    (
      await get(patient.proxyPort, '/calm', {
        host: 'patient-api.drsignet.com',
        headers: { 'x-forwarded-for': '198.51.100.10' },
      })
    ).status,
    200,
  )
})

test('the portal: hashed assets cached for a year, HTML never cached, security headers with CSP', async () => {
  const host = 'admin.drsignet.com'
  const asset = await get(portal.proxyPort, '/static/js/main.3f2a1b.js', { host })
  assert.is(asset.status, 200)
  assert.is(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  assert.is(asset.headers['x-content-type-options'], 'nosniff')
  const html = await get(portal.proxyPort, '/index.html', { host })
  assert.is(html.headers['cache-control'], 'no-cache')
  assert.match(String(html.headers['content-security-policy']), "frame-ancestors 'none'")
  // Client-side routes fall through to the portal's Node server.
  assert.is(json(await get(portal.proxyPort, '/patients/42', { host })).app, 'admin-portal')
  assert.is((await get(portal.proxyPort, '/patients/42', { host })).headers['x-powered-by'], undefined)
})

test('the portal serves no source map and no dotfile, even when the build has them', async () => {
  const host = 'admin.drsignet.com'
  for (const path of ['/static/js/main.3f2a1b.js.map', '/.env', '/.git/config', '/static/js/.env']) {
    const r = await get(portal.proxyPort, path, { host })
    assert.is(r.status, 404, `${path}: ${r.body.slice(0, 80)}`)
  }
  assert.is(
    (await get(portal.proxyPort, '/.well-known/security.txt', { host })).status,
    200,
    '/.well-known/ is not a dotfile to hide',
  )
})

test('the app down: 502 with a JSON body the mobile apps can parse', async () => {
  await apps['patient-api']!.stop()
  const r = await get(patient.proxyPort, '/appointments', { host: 'patient-api.drsignet.com' })
  assert.is(r.status, 502)
  assert.is(r.headers['content-type'], 'application/json')
  assert.equal(json(r), { error: 'bad_gateway', message: 'The service is unavailable, please retry.', status: 502 })
})

test.run()
