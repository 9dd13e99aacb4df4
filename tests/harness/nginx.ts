// Lays out rendered vhosts under a private nginx prefix, runs `nginx -t`, and starts nginx on loopback (I/O: files, processes).
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { App, Model } from '../../scripts/lib/config/model.ts'
import { instancePaths } from '../../scripts/lib/render/hook-settings.ts'
import { vhostPath } from '../../scripts/lib/render/nginx.ts'
import type { RenderedFile } from '../../scripts/lib/render/types.ts'
import { renderAppFiles } from '../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import { supervise } from './process.ts'
import { requireTool } from './tools.ts'

export type ConfFile = { path: string; contents: string } // relative to the prefix's conf/ dir

/** The main config as Debian's, but every path inside the prefix: vhosts in conf.d/, snippets in drsignet/. */
const mainConf = (prefix: string, extraHttp: string) => `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 256; }
http {
    include ${existsSync('/etc/nginx/mime.types') ? '/etc/nginx/mime.types' : 'mime.types'};
    default_type application/octet-stream;
    access_log ${prefix}/logs/access.log;
    client_body_temp_path ${prefix}/tmp/body;
    proxy_temp_path ${prefix}/tmp/proxy;
    fastcgi_temp_path ${prefix}/tmp/fastcgi;
    uwsgi_temp_path ${prefix}/tmp/uwsgi;
    scgi_temp_path ${prefix}/tmp/scgi;
${extraHttp}
    include conf.d/*.conf;
}
`

/**
 * Where the AfterInstall hook puts each file: vhosts in conf.d/, snippets in drsignet/. `instanceRoot`: a temporary
 * tree standing for the instance's /, for a test that serves the portal's files without an instance of its own; the
 * vhost's paths under the app's folder move into it (render itself knows only the instance's paths).
 */
export const nginxFilesOf = (model: Model, instanceRoot = ''): ConfFile[] => {
  const inTree =
    (app: App) =>
    (f: RenderedFile): RenderedFile =>
      instanceRoot && f.path === vhostPath(app)
        ? {
            ...f,
            contents: f.contents.replaceAll(
              ` ${instancePaths(app).appDir}/`,
              ` ${instanceRoot}${instancePaths(app).appDir}/`,
            ),
          }
        : f
  const files = model.apps.flatMap((app) =>
    renderAppFiles(app, model, loadNginxTemplates())
      .map(inTree(app))
      .filter((f) => f.path.startsWith('nginx/')),
  )
  const out = new Map<string, string>()
  for (const f of files) {
    const rel = f.path.slice('nginx/'.length)
    out.set(rel.startsWith('drsignet/') ? rel : `conf.d/drsignet-${rel}`, f.contents)
  }
  return [...out].map(([path, contents]) => ({ path, contents }))
}

export function layoutPrefix(files: ConfFile[], extraHttp = ''): string {
  const prefix = mkdtempSync(join(tmpdir(), 'nginx-'))
  for (const dir of ['conf/conf.d', 'conf/drsignet', 'logs', 'tmp']) mkdirSync(join(prefix, dir), { recursive: true })
  writeFileSync(join(prefix, 'conf/nginx.conf'), mainConf(prefix, extraHttp))
  for (const f of files) {
    mkdirSync(dirname(join(prefix, 'conf', f.path)), { recursive: true })
    writeFileSync(join(prefix, 'conf', f.path), f.contents)
  }
  return prefix
}

export function nginxTest(prefix: string): { ok: boolean; output: string } {
  const r = spawnSync(requireTool('nginx'), ['-t', '-p', prefix, '-c', 'conf/nginx.conf'], { encoding: 'utf8' })
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` }
}

export type Nginx = { prefix: string; errorLog: () => string; stop: () => Promise<void> }

export async function startNginx(prefix: string, ports: number[]): Promise<Nginx> {
  const child = spawn(requireTool('nginx'), ['-p', prefix, '-c', 'conf/nginx.conf', '-g', 'daemon off;'], {
    stdio: 'ignore',
  })
  const errorLog = () =>
    existsSync(join(prefix, 'logs/error.log')) ? readFileSync(join(prefix, 'logs/error.log'), 'utf8') : ''
  const service = await supervise(
    child,
    'nginx to listen',
    async () => {
      for (const port of ports) await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) })
      return true
    },
    { signal: 'SIGQUIT', timeoutMs: 10_000, log: errorLog },
  )
  return { prefix, errorLog, stop: service.stop }
}
