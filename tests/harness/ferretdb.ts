// Starts FerretDB (MongoDB wire protocol over SQLite) on a loopback port of its own for one suite and stops it after (I/O: spawns a process, temp dir).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'
import { announcingStderr, supervise } from './process.ts'

export { cacheBin, requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'

export type Ferret = { uri: string; port: number; pid: number; stop: () => Promise<void>; kill: () => void }

/** What FerretDB logs once it has bound its listener: `Listening on TCP 127.0.0.1:PORT...` (or TLS). */
export const FERRET_LISTENING = /Listening on (?:TCP|TLS) 127\.0\.0\.1:(\d+)\.\.\./

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
  const own = !opts.dataDir
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ferretdb-'))
  // Port 0: FerretDB binds one itself and names it (see announcedPort), so no other suite's FerretDB can answer for it.
  const listen = opts.tls
    ? [
        '--listen-addr=',
        '--listen-tls=127.0.0.1:0',
        `--listen-tls-cert-file=${opts.tls.certFile}`,
        `--listen-tls-key-file=${opts.tls.keyFile}`,
      ]
    : ['--listen-addr=127.0.0.1:0']
  const child: ChildProcess = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      ...listen,
      '--debug-addr=-',
      '--telemetry=disable',
      // info, for the line that names the port; that level adds a line per connection, kept to the last 4000 characters.
      '--log-level=info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const stderr = announcingStderr(child, FERRET_LISTENING)
  const service = await supervise(
    child,
    'ferretdb on 127.0.0.1',
    async () => stderr.port() !== undefined && tcpOpen(stderr.port()!),
    { timeoutMs: 30_000, log: stderr.log },
  )
  const port = stderr.port()!
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
