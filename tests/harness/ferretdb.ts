// Starts FerretDB (MongoDB wire protocol over SQLite) on a free loopback port for one suite and stops it after (I/O: spawns a process, temp dir).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'
import { freePort } from './ports.ts'
import { supervise } from './process.ts'

export { cacheBin, requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'

export type Ferret = { uri: string; port: number; pid: number; stop: () => Promise<void>; kill: () => void }

const tcpOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)))
    s.on('error', () => resolve(false))
  })

/** `tls`: listen with TLS only (no plain listener), serving this certificate and key; the URI then says tls=true. */
export async function startFerret(
  opts: { dataDir?: string; tls?: { certFile: string; keyFile: string } } = {},
): Promise<Ferret> {
  const bin = requireCachedTool('ferretdb')
  const port = await freePort()
  const debugPort = await freePort()
  const own = !opts.dataDir
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ferretdb-'))
  const listen = opts.tls
    ? [
        '--listen-addr=',
        `--listen-tls=127.0.0.1:${port}`,
        `--listen-tls-cert-file=${opts.tls.certFile}`,
        `--listen-tls-key-file=${opts.tls.keyFile}`,
      ]
    : [`--listen-addr=127.0.0.1:${port}`]
  const child: ChildProcess = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      ...listen,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=ERROR',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  const service = await supervise(child, `ferretdb on 127.0.0.1:${port}`, () => tcpOpen(port), {
    timeoutMs: 30_000,
    log: () => stderr,
  })
  return {
    uri: opts.tls ? `mongodb://127.0.0.1:${port}/?tls=true` : `mongodb://127.0.0.1:${port}/`,
    port,
    pid: child.pid!,
    kill: service.kill,
    stop: async () => {
      await service.stop()
      if (own) rmSync(dir, { recursive: true, force: true })
    },
  }
}
