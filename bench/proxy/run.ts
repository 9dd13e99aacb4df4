// Benchmark: wrk in one run against (a) a Node app directly, (b) the rendered vhost in front of it,
// (c) a naive vhost (bare proxy_pass, no upstream keepalive), (d) a minimal keepalive vhost. Prints requests/s, p99 and the ratios,
// twice: for an app that answers at once (the proxy's raw cost) and for one that spends --work-us of CPU per request (an API handler).
// Usage: npm run bench:proxy [-- --seconds N --connections N --work-us N]
import { execFile } from 'node:child_process'
import { cpus } from 'node:os'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import type { Model } from '../../scripts/lib/config/model.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { startEchoApp } from '../../tests/harness/echo-app.ts'
import { layoutPrefix, nginxFilesOf, startNginx } from '../../tests/harness/nginx.ts'
import { freePort } from '../../tests/harness/ports.ts'
import { requireTool } from '../../tests/harness/tools.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
    'work-us': { type: 'string', default: '100' },
  },
})
const wrk = requireTool('wrk')

type Result = { rps: number; p99ms: number; errors: number }
// wrk runs asynchronously: the app under test shares this process's event loop.
async function load(url: string, host: string): Promise<Result> {
  const r = await promisify(execFile)(wrk, [
    `-t${values.threads}`,
    `-c${values.connections}`,
    `-d${values.seconds}s`,
    '--latency',
    '-H',
    `Host: ${host}`,
    url,
  ])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1])
  const [, n, unit] = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout) ?? []
  const p99ms = Number(n) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1)
  const errors =
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? 0) +
    Number(/Socket errors: .*?timeout (\d+)/.exec(r.stdout)?.[1] ?? 0)
  return { rps, p99ms, errors }
}

// The production patient-api vhost, on free ports; its rate limit is policy, not proxy cost, so it is lifted here.
const model = structuredClone(readModel('.', 'production')) as Model
model.env.network.vpcCidr = '127.0.0.0/8'
model.apps = model.apps.filter((a) => a.name === 'patient-api')
const app = model.apps[0]!
delete app.nginx.rateLimit
app.port = await freePort()
app.proxyPort = await freePort()
const naivePort = await freePort()
const minimalPort = await freePort()
const naive = `server {\n    listen ${naivePort};\n    location / {\n        proxy_pass http://127.0.0.1:${app.port};\n    }\n}\n`
// (d) the floor of proxying with keepalive: no headers, maps, limits or real-IP; it prices our vhost's features.
const minimal = `upstream bench_minimal {\n    server 127.0.0.1:${app.port};\n    keepalive 32;\n}\nserver {\n    listen ${minimalPort};\n    location / {\n        proxy_pass http://bench_minimal;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n    }\n}\n`

const files = [
  ...nginxFilesOf(model),
  { path: 'conf.d/naive.conf', contents: naive },
  { path: 'conf.d/minimal.conf', contents: minimal },
]
const nginx = await startNginx(layoutPrefix(files, '    access_log off;'), [app.proxyPort, naivePort, minimalPort])
const row = (label: string, r: Result) =>
  console.log(
    `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99ms.toFixed(2).padStart(7)} ms   errors ${r.errors}`,
  )

// One round: the same app (spending workUs of CPU per request) reached four ways.
async function round(workUs: number): Promise<void> {
  const echo = await startEchoApp('patient-api', app.port, workUs)
  try {
    const host = app.hosts[0]!
    const path = '/appointments'
    await load(`http://127.0.0.1:${app.port}${path}`, host) // warm-up
    const a = await load(`http://127.0.0.1:${app.port}${path}`, host)
    const b = await load(`http://127.0.0.1:${app.proxyPort}${path}`, host)
    const c = await load(`http://127.0.0.1:${naivePort}${path}`, host)
    const d = await load(`http://127.0.0.1:${minimalPort}${path}`, host)
    console.log(
      `\napp spending ${workUs} us of CPU per request; wrk -t${values.threads} -c${values.connections} -d${values.seconds}s, one Node process behind one nginx worker, ${cpus().length} cores shared by all`,
    )
    row('(a) app directly', a)
    row('(b) rendered vhost (keepalive)', b)
    row('(c) naive vhost (no keepalive)', c)
    row('(d) minimal keepalive vhost', d)
    console.log(
      `ratio b/a: ${(b.rps / a.rps).toFixed(2)} (target >= 0.90)   ratio b/c: ${(b.rps / c.rps).toFixed(2)} (target > 1)   ratio b/d: ${(b.rps / d.rps).toFixed(2)} (cost of the vhost's features)`,
    )
  } finally {
    await echo.stop()
  }
}

try {
  // With an app that does nothing, nginx, Node and wrk split the same cores and b/a measures that contention;
  // with a handler that works, nginx's share is small beside the app's, as on an instance in production.
  await round(0)
  await round(Number(values['work-us']))
} finally {
  await nginx.stop()
}
