// Shared by the deploy integration suites: test app builds, bundles, secrets in moto, and a bounded load generator (I/O).
import { spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { App, Model } from '../../../scripts/lib/config/model.ts'
import type { DeployResult } from '../../../scripts/lib/deploy-local/runner.ts'
import { pathIn, processesOf, type Instance } from '../../../scripts/lib/deploy-local/instance.ts'
import { buildBundle } from '../../../scripts/lib/bundle/build.ts'
import { renderAppFiles } from '../../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../../scripts/lib/render/render-all.ts'
import { vhostPath } from '../../../scripts/lib/render/nginx.ts'
import { fixtureApp, fixtureModel } from '../../fixtures/model.ts'
import { instanceRoleEnv as sandboxRoleEnv } from '../../../scripts/lib/sandbox/moto.ts'
import type { Moto } from '../../harness/moto.ts'

export type Variant = 'ok' | 'unhealthy' | 'crash' | 'hang'

/** A tiny API: answers its version; the variant breaks it in one chosen way. */
const serverJs = (variant: Variant) => `'use strict'
const http = require('node:http')
const version = process.env.APP_VERSION
const variant = ${JSON.stringify(variant)}
if (variant === 'crash') { console.error('crashing at start'); process.exit(1) }
let served = 0
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    if (variant === 'hang') return
    res.writeHead(variant === 'unhealthy' ? 500 : 200, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ version }))
  }
  served++
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ version, secretLoaded: Boolean(process.env.DB_PASSWORD) }))
  }, 5)
})
server.listen(Number(process.env.PORT), process.env.HOST, () => {
  console.log('listening on ' + process.env.PORT + ' version ' + version)
  if (process.send) process.send('ready')
})
process.on('SIGINT', () => server.close(() => { console.log('stopped after ' + served + ' requests'); process.exit(0) }))
`

export const testHost = 'patient-api.drsignet.com'

/** The fixture app with short budgets, so a failing check fails within seconds. */
export function testApp(version: string, overrides: Partial<App> = {}): App {
  return fixtureApp({
    version,
    user: 'drsignet-test', // created by BeforeInstall on each instance, as on AWS
    pm2: { instances: 2, maxMemoryRestart: '256M', killTimeout: 3000, listenTimeout: 5000, waitReady: true },
    hookTimeouts: {
      ApplicationStop: 30,
      BeforeInstall: 30,
      AfterInstall: 30,
      ApplicationStart: 30,
      ValidateService: 16,
      BeforeBlockTraffic: 12,
    },
    ...overrides,
  })
}

/** A bundle of the test app (or of `server`, a dist/server.js of the test's own) as apply builds it. */
export async function makeBundle(
  outDir: string,
  app: App,
  opts: { variant?: Variant; model?: Model; vhost?: string; server?: string; lock?: boolean } = {},
) {
  const model = opts.model ?? fixtureModel([app])
  const artifact = mkdtempSync(join(tmpdir(), 'artifact-'))
  mkdirSync(join(artifact, 'dist'))
  writeFileSync(join(artifact, 'dist/server.js'), opts.server ?? serverJs(opts.variant ?? 'ok'))
  writeFileSync(
    join(artifact, 'package.json'),
    `${JSON.stringify({ name: app.name, version: app.version, private: true })}\n`,
  )
  // A lock file without dependencies: AfterInstall's npm ci runs (offline: there is nothing to fetch).
  if (opts.lock)
    writeFileSync(
      join(artifact, 'package-lock.json'),
      `${JSON.stringify({ name: app.name, version: app.version, lockfileVersion: 3, requires: true, packages: { '': { name: app.name, version: app.version } } }, null, 2)}\n`,
    )
  // A test's own vhost takes the rendered one's place.
  const rendered = renderAppFiles(app, model, loadNginxTemplates()).map((f) =>
    opts.vhost && f.path === vhostPath(app) ? { ...f, contents: opts.vhost } : f,
  )
  const built = await buildBundle(app, rendered, { artifactDir: artifact, outDir })
  return built.file
}

/** Puts the app's .env where BeforeInstall looks for it, in moto (which does not check signatures). */
export async function putSecret(endpoint: string, model: Model, app: App, body: string) {
  const bucket = model.env.secrets.bucket
  await fetch(`${endpoint}/${bucket}`, { method: 'PUT' })
  const res = await fetch(`${endpoint}/${bucket}/${model.env.secrets.prefix}/${app.name}/.env`, { method: 'PUT', body })
  if (!res.ok) throw new Error(`moto put: ${res.status}`)
}

/** What a hook's AWS calls and its npm ci get in place of the instance role and a registry (deployRevision's passEnv). */
export const instanceRoleEnv = (moto: Moto, region: string) => sandboxRoleEnv(moto.endpoint, region)

export type LoadStats = {
  sent: number
  ok: number
  failed: number
  errors: string[]
  versions: Map<string, number>
  latencies: number[]
  log: { t: number; version?: string; ok: boolean }[]
}

function once(
  port: number,
  host = '127.0.0.1',
  hostHeader = testHost,
): Promise<{ ok: boolean; version?: string; error?: string }> {
  return new Promise((resolve) => {
    // A new connection per request, as independent clients arrive through an ALB.
    const req = request(
      { host, port, path: '/api/ping', agent: false, headers: { host: hostHeader }, timeout: 10_000 },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => {
          if (res.statusCode !== 200)
            return resolve({ ok: false, error: `HTTP ${res.statusCode} ${body.slice(0, 80)}` })
          try {
            resolve({ ok: true, version: JSON.parse(body).version })
          } catch {
            resolve({ ok: false, error: `bad body ${body.slice(0, 80)}` })
          }
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (e) => resolve({ ok: false, error: e.message }))
    req.end()
  })
}

/** The version one instance answers, asked directly at its namespace address (by the app's host name: its vhost). */
export const versionAt = async (host: string, port = 8081, hostHeader = testHost) =>
  (await once(port, host, hostHeader)).version

/** Sends requests from `concurrency` loops until stop() or maxMs; bounded in time by construction. */
export function startLoad(port: number, concurrency = 4, maxMs = 120_000) {
  const stats: LoadStats = { sent: 0, ok: 0, failed: 0, errors: [], versions: new Map(), latencies: [], log: [] }
  let stopped = false
  const deadline = Date.now() + maxMs
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped && Date.now() < deadline) {
      const t0 = performance.now()
      const r = await once(port)
      stats.sent++
      stats.latencies.push(performance.now() - t0)
      stats.log.push({ t: Date.now(), version: r.version, ok: r.ok })
      if (r.ok) {
        stats.ok++
        stats.versions.set(r.version!, (stats.versions.get(r.version!) ?? 0) + 1)
      } else {
        stats.failed++
        if (stats.errors.length < 10) stats.errors.push(r.error!)
      }
    }
  })
  return {
    stats,
    stop: async () => {
      stopped = true
      await Promise.all(loops)
      return stats
    },
  }
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0
}

/** Every regular file under dir whose text contains needle (the .env files themselves excepted). */
export function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n)
      let st
      try {
        st = statSync(p)
      } catch {
        continue
      }
      if (st.isDirectory()) walk(p)
      else if (st.isFile() && n !== '.env' && st.size < 50_000_000 && readFileSync(p).includes(needle)) out.push(p)
    }
  }
  walk(dir)
  return out
}

/** A failed deployment as text, with the failing event's part of the agent's script log, for assertion messages. */
export function explain(r: { ok: boolean; failure?: { tail?: string } }): string {
  return `${JSON.stringify({ ...r, failure: r.failure && { ...r.failure, tail: undefined } })}\n${r.failure?.tail ?? ''}`
}

export function explainRollback(r: DeployResult): string {
  return (
    (r.rollback?.failures ?? []).map((f) => explain({ ok: false, failure: f })).join('\n') || JSON.stringify(r.rollback)
  )
}

/** A file of a running instance, as the instance sees it. */
export const readIn = (i: Instance, path: string) => readFileSync(pathIn(i, path), 'utf8')
export const statIn = (i: Instance, path: string): Stats => statSync(pathIn(i, path))

/** The user name of a uid on the instance (its own /etc/passwd: users made by the hooks live there only). */
export function userIn(i: Instance, uid: number): string | undefined {
  return readIn(i, '/etc/passwd')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => Number(f[2]) === uid)?.[0]
}

/** The instance's processes whose command line contains `needle`, with the user each runs as. */
export function processesIn(i: Instance, needle: string): { pid: number; user?: string; cmdline: string }[] {
  const out: { pid: number; user?: string; cmdline: string }[] = []
  for (const pid of processesOf(i)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
      if (!cmdline.includes(needle)) continue
      const uid = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1])
      out.push({ pid, user: userIn(i, uid), cmdline })
    } catch {
      /* exited while we looked */
    }
  }
  return out
}
