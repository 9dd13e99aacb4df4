// One app's vhost from the nginx/ templates given to it: its listeners, its upstream, what each field changes, the
// values it refuses, and the snippets it installs (reads nginx/ once; renders in memory).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { App, Model } from '../../scripts/lib/config/model.ts'
import { nginxId, renderSnippets, renderVhost, vhostPath } from '../../scripts/lib/render/nginx.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

const templates = loadNginxTemplates()
const vhostOf = (app: App = fixtureApp(), model: Model = fixtureModel([app])) =>
  renderVhost(app, model, templates).contents
/** The directive lines starting with `word`, trimmed, in order. */
const directives = (text: string, word: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${word} `))
/** The lines one change alters, as `before => after` (the change must keep the number of lines). */
function changes(over: Partial<App>, env: Partial<Model['env']> = {}): string[] {
  const before = vhostOf().split('\n')
  const app = fixtureApp(over)
  const after = vhostOf(app, fixtureModel([app], env)).split('\n')
  assert.is(after.length, before.length, 'the same number of lines')
  return before.flatMap((line, i) => (line === after[i] ? [] : [`${line.trim()} => ${after[i]!.trim()}`]))
}

test('the vhost listens on the proxy port alone and passes every proxied location to the app on loopback', () => {
  const vhost = vhostOf(fixtureApp({ port: 3007, proxyPort: 8087 }))
  assert.equal(directives(vhost, 'listen'), ['listen 8087 default_server;', 'listen 8087;'])
  assert.equal(directives(vhost, 'upstream'), ['upstream drsignet_patient_api {'])
  assert.equal(directives(vhost, 'server'), ['server 127.0.0.1:3007 max_fails=0;', 'server {', 'server {'])
  // The catch-all's health check, the app server's health check, and its one path.
  assert.equal(directives(vhost, 'proxy_pass'), Array(3).fill('proxy_pass http://drsignet_patient_api;'))
  assert.equal(directives(vhost, 'server_name'), ['server_name _;', 'server_name patient-api.drsignet.com;'])
})

test('the file is named for the app, and its identifiers are the app name with underscores', () => {
  const app = fixtureApp({ name: 'doctor-api' })
  assert.is(renderVhost(app, fixtureModel([app]), templates).path, 'nginx/doctor-api.conf')
  assert.is(vhostPath(app), 'nginx/doctor-api.conf')
  assert.is(nginxId(app), 'drsignet_doctor_api')
  assert.equal(directives(vhostOf(app), 'proxy_pass'), Array(3).fill('proxy_pass http://drsignet_doctor_api;'))
})

test('host names share one server_name; without any, the app owns the port and no 421 catch-all is rendered', () => {
  const named = vhostOf(fixtureApp({ hosts: ['a.example.com', '*.b.example.com'] }))
  assert.equal(directives(named, 'server_name'), ['server_name _;', 'server_name a.example.com *.b.example.com;'])
  const bare = vhostOf(fixtureApp({ hosts: [], paths: ['/api/'] }))
  assert.equal(directives(bare, 'listen'), ['listen 8081 default_server;'])
  assert.equal(directives(bare, 'server_name'), ['server_name _;'])
  assert.equal(directives(bare, 'return').filter((l) => l.startsWith('return 421')).length, 0)
  assert.equal(directives(named, 'return').filter((l) => l.startsWith('return 421')).length, 1)
})

test('each path gets its own proxied location, in the order given, after the health check', () => {
  const vhost = vhostOf(fixtureApp({ hosts: [], paths: ['/v2/', '/v1/'] }))
  assert.equal(directives(vhost, 'location'), [
    'location = /healthz {',
    'location /v2/ {',
    'location /v1/ {',
    'location @drsignet_patient_api_502 {',
    'location @drsignet_patient_api_504 {',
  ])
  assert.equal(directives(vhost, 'proxy_pass'), Array(3).fill('proxy_pass http://drsignet_patient_api;'))
})

test('each setting changes its own lines and nothing else', () => {
  const nginx = fixtureApp().nginx
  assert.equal(changes({ nginx: { ...nginx, readTimeout: '90s' } }), [
    'proxy_read_timeout 60s; => proxy_read_timeout 90s;',
    'proxy_read_timeout 60s; => proxy_read_timeout 90s;',
    'proxy_read_timeout 60s; => proxy_read_timeout 90s;',
  ])
  assert.equal(changes({ nginx: { ...nginx, connectTimeout: '2s', sendTimeout: '30s' } }), [
    'proxy_connect_timeout 5s; => proxy_connect_timeout 2s;',
    'proxy_send_timeout 60s; => proxy_send_timeout 30s;',
    'proxy_connect_timeout 5s; => proxy_connect_timeout 2s;',
    'proxy_send_timeout 60s; => proxy_send_timeout 30s;',
    'proxy_connect_timeout 5s; => proxy_connect_timeout 2s;',
    'proxy_send_timeout 60s; => proxy_send_timeout 30s;',
  ])
  assert.equal(changes({ nginx: { ...nginx, clientMaxBodySize: '1m' } }), [
    'client_max_body_size 10m; => client_max_body_size 1m;',
  ])
  assert.equal(changes({ nginx: { ...nginx, websockets: false } }), ['default upgrade; => default "";'])
  assert.equal(changes({ healthCheck: { ...fixtureApp().healthCheck, path: '/ready' } }), [
    'location = /healthz { => location = /ready {',
    'location = /healthz { => location = /ready {',
  ])
  assert.equal(changes({ port: 3010 }), [
    '# patient-api (api) in production: nginx on :8081 in front of 127.0.0.1:3001. => # patient-api (api) in production: nginx on :8081 in front of 127.0.0.1:3010.',
    'server 127.0.0.1:3001 max_fails=0; => server 127.0.0.1:3010 max_fails=0;',
  ])
})

test('the VPC range is the only trusted client address, and keepalive outlasts the load balancer by 15 s', () => {
  const base = fixtureModel().env
  assert.equal(
    changes({}, { network: { ...base.network, vpcCidr: '10.9.0.0/16' } }),
    Array(2).fill('set_real_ip_from 10.20.0.0/16; => set_real_ip_from 10.9.0.0/16;'),
  )
  assert.equal(changes({}, { loadBalancer: { ...base.loadBalancer, idleTimeout: 300 } }), [
    'keepalive_timeout 75s; => keepalive_timeout 315s;',
  ])
})

test('a rate limit declares its zone and limits every path location, never the health check', () => {
  const nginx = { ...fixtureApp().nginx, rateLimit: { rate: '50r/s', burst: 20 } }
  const vhost = vhostOf(fixtureApp({ nginx, paths: ['/a/', '/b/'] }))
  assert.equal(directives(vhost, 'limit_req_zone'), [
    'limit_req_zone $binary_remote_addr zone=drsignet_patient_api:10m rate=50r/s;',
  ])
  const healthCheck = vhost.slice(vhost.lastIndexOf('location = /healthz {'), vhost.indexOf('location /a/ {'))
  assert.equal(directives(healthCheck, 'limit_req'), [])
  assert.equal(directives(vhost, 'limit_req'), Array(2).fill('limit_req zone=drsignet_patient_api burst=20 nodelay;'))
  assert.equal(directives(vhostOf(), 'limit_req_zone'), [])
})

test("a portal is served from its release's static folder, with its own headers and no proxy to the API error pages", () => {
  const nginx = { ...fixtureApp().nginx, staticRoot: 'build', assetsPath: '/static/' }
  const vhost = vhostOf(fixtureApp({ kind: 'spa', nginx }))
  assert.equal(directives(vhost, 'root'), ['root /opt/drsignet/patient-api/current/app/build;'])
  assert.equal(
    [...new Set(directives(vhost, 'include'))],
    ['include drsignet/proxy.conf;', 'include drsignet/gzip.conf;', 'include drsignet/security-headers-portal.conf;'],
  )
  assert.equal(directives(vhost, 'location'), [
    'location = /healthz {',
    'location / {',
    'location = /healthz {',
    'location ~ /\\.(?!well-known/) {',
    'location ~* \\.map$ {',
    'location /static/ {',
    'location = /index.html {',
    'location / {',
    'location @drsignet_patient_api_app {',
  ])
  assert.equal(directives(vhost, 'error_page'), [])
  assert.equal(directives(vhost, 'proxy_hide_header'), [])
  assert.equal(directives(vhostOf(), 'root'), [])
})

test('a value nginx could read as syntax is refused with its field named, whatever the field', () => {
  const refusal = (app: App, model: Model = fixtureModel([app])) => {
    try {
      renderVhost(app, model, templates)
      return 'rendered'
    } catch (e) {
      return (e as Error).message
    }
  }
  const nginx = fixtureApp().nginx
  const rule = 'into nginx: only letters, digits and ._:/~*=- are allowed'
  assert.equal(
    [
      refusal(fixtureApp({ hosts: ['ok.example.com', 'evil.com; return 200'] })),
      refusal(fixtureApp({ paths: ['/', '/a/../b/'] })),
      refusal(fixtureApp({ healthCheck: { ...fixtureApp().healthCheck, path: '/health{' } })),
      refusal(fixtureApp({ nginx: { ...nginx, readTimeout: '60s\nlisten 80' } })),
      refusal(fixtureApp({ nginx: { ...nginx, rateLimit: { rate: '5r/s"', burst: 1 } } })),
      refusal(fixtureApp({ kind: 'spa', nginx: { ...nginx, staticRoot: '$document_root' } })),
      refusal(fixtureApp(), fixtureModel([fixtureApp()], { name: "prod'" })),
      refusal(
        fixtureApp(),
        fixtureModel([fixtureApp()], { network: { ...fixtureModel().env.network, vpcCidr: '0.0.0.0/0 ' } }),
      ),
    ],
    [
      `refusing to render patient-api.hosts[1] = "evil.com; return 200" ${rule}`,
      `refusing to render patient-api.paths[1] = "/a/../b/" ${rule}`,
      `refusing to render patient-api.healthCheck = "/health{" ${rule}`,
      `refusing to render patient-api.nginx.readTimeout = "60s\\nlisten 80" ${rule}`,
      `refusing to render patient-api.nginx.rateLimit.rate = "5r/s\\"" ${rule}`,
      `refusing to render patient-api.nginx.staticRoot = "$document_root" ${rule}`,
      `refusing to render patient-api.env = "prod'" ${rule}`,
      `refusing to render patient-api.vpc = "0.0.0.0/0 " ${rule}`,
    ],
  )
})

test('allowed punctuation reaches nginx exactly as written, unquoted and unescaped', () => {
  const vhost = vhostOf(fixtureApp({ hosts: ['*.drsignet.com'], paths: ['/~user/'] }))
  assert.equal(directives(vhost, 'server_name'), ['server_name _;', 'server_name *.drsignet.com;'])
  assert.equal(directives(vhost, 'location').slice(0, 4), [
    'location = /healthz {',
    'location / {',
    'location = /healthz {',
    'location /~user/ {',
  ])
})

test('the templates given are the ones rendered, each set on its own, with every value the vhost template reads', () => {
  const context =
    '{{ app.name }} {{ env.name }} {{ id }} {{ spa }} [{{ staticRoot }}] {{ securityHeaders }} {{ keepaliveTimeout }}\n'
  const one = { files: new Map([['vhost.conf.njk', context]]) }
  const two = { files: new Map([['vhost.conf.njk', 'server { listen {{ app.proxyPort }}; }\n']]) }
  const app = fixtureApp()
  const model = fixtureModel([app])
  assert.is(
    renderVhost(app, model, one).contents,
    'patient-api production drsignet_patient_api false [] security-headers-api.conf 75\n',
  )
  assert.is(renderVhost(app, model, two).contents, 'server { listen 8081; }\n')
  const spa = fixtureApp({ kind: 'spa', nginx: { ...app.nginx, staticRoot: 'dist' } })
  assert.is(
    renderVhost(spa, fixtureModel([spa]), one).contents,
    'patient-api production drsignet_patient_api true [/opt/drsignet/patient-api/current/app/dist] security-headers-portal.conf 75\n',
  )
})

test('a name the template does not have is an error, not an empty string', () => {
  const nginx = { files: new Map([['vhost.conf.njk', 'listen {{ app.proxyPrt }};\n']]) }
  assert.throws(
    () => renderVhost(fixtureApp(), fixtureModel(), nginx),
    (e: Error) => e.message === '(vhost.conf.njk) [Line 1, Column 8]\n  attempted to output null or undefined value',
  )
})

test('the snippets are the .conf files under snippets/, sorted, under drsignet/, byte for byte', () => {
  const nginx = {
    files: new Map([
      ['vhost.conf.njk', 'x'],
      ['partials/proxy.njk', 'y'],
      ['snippets/z.conf', 'gzip on;\n'],
      ['snippets/README.md', 'not a snippet'],
      ['snippets/a.conf', 'add_header X-A "1" always;\n'],
    ]),
  }
  assert.equal(renderSnippets(nginx), [
    { path: 'drsignet/a.conf', contents: 'add_header X-A "1" always;\n' },
    { path: 'drsignet/z.conf', contents: 'gzip on;\n' },
  ])
  assert.equal(
    renderSnippets(templates).map((f) => f.path),
    [
      'drsignet/gzip.conf',
      'drsignet/proxy.conf',
      'drsignet/security-headers-api.conf',
      'drsignet/security-headers-portal.conf',
    ],
  )
})

test.run()
