// Renders the nginx vhost of one app and the shared snippets from the nunjucks templates of nginx/, which the caller
// loaded (render-all.ts, loadNginxTemplates) and passes in (pure).
import nunjucks from 'nunjucks'
import type { App, Model } from '../config/model.ts'
import { instancePaths } from './hook-settings.ts'
import type { RenderedFile } from './types.ts'
import { byText } from '../order.ts'

/** nginx/ as text: every file by its path under nginx/ (vhost.conf.njk, partials/*.njk, snippets/*.conf). */
export type NginxTemplates = { files: ReadonlyMap<string, string> }

// A loader over the loaded text: nothing is read while rendering. One environment per loaded set, so templates
// compile once however many apps and environments render.
class LoadedTemplates extends nunjucks.Loader {
  constructor(private readonly files: ReadonlyMap<string, string>) {
    super()
  }
  getSource(name: string) {
    const src = this.files.get(name)
    if (src === undefined) throw new Error(`nginx template ${name} is not in nginx/`)
    return { src, path: name, noCache: false }
  }
}
const environments = new WeakMap<NginxTemplates, nunjucks.Environment>()
function environmentOf(t: NginxTemplates): nunjucks.Environment {
  let env = environments.get(t)
  if (!env) {
    env = new nunjucks.Environment(new LoadedTemplates(t.files), {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    })
    environments.set(t, env)
  }
  return env
}

// Defence in depth: the schema already refuses these, but nothing reaches nginx without this check.
const NGINX_SAFE = /^[A-Za-z0-9._:/~*=-]+$/
function assertSafe(value: unknown, where: string): void {
  if (value === undefined || typeof value === 'number' || typeof value === 'boolean') return
  if (Array.isArray(value)) return value.forEach((v, i) => assertSafe(v, `${where}[${i}]`))
  if (value && typeof value === 'object')
    return Object.entries(value).forEach(([k, v]) => assertSafe(v, `${where}.${k}`))
  if (typeof value !== 'string' || !NGINX_SAFE.test(value) || value.includes('..'))
    throw new Error(
      `refusing to render ${where} = ${JSON.stringify(value)} into nginx: only letters, digits and ._:/~*=- are allowed`,
    )
}

/** The app name as an nginx identifier (upstream, zone and variable names). */
export const nginxId = (app: App) => `drsignet_${app.name.replace(/-/g, '_')}`
/** Paths as in the revision bundle; snippet paths are relative to the nginx conf dir, as the vhost includes them. */
export const vhostPath = (app: App) => `nginx/${app.name}.conf`
export const SNIPPET_DIR = 'drsignet'

/** The vhost as the instance runs it, at the instance's own paths (the local fleet runs the same paths in namespaces). */
export function renderVhost(app: App, model: Model, nginx: NginxTemplates): RenderedFile {
  const values = {
    name: app.name,
    kind: app.kind,
    port: app.port,
    proxyPort: app.proxyPort,
    hosts: app.hosts,
    paths: app.paths,
    healthCheck: app.healthCheck.path,
    nginx: app.nginx,
    vpc: model.env.network.vpcCidr,
    env: model.env.name,
  }
  assertSafe(values, app.name)
  const spa = app.kind === 'spa'
  const contents = environmentOf(nginx).render('vhost.conf.njk', {
    app,
    env: model.env,
    id: nginxId(app),
    spa,
    staticRoot: spa ? `${instancePaths(app).appDir}/${app.nginx.staticRoot}` : '',
    securityHeaders: spa ? 'security-headers-portal.conf' : 'security-headers-api.conf',
    keepaliveTimeout: model.env.loadBalancer.idleTimeout + 15,
  })
  return { path: vhostPath(app), contents }
}

/** The static snippets every vhost includes, installed beside them as /etc/nginx/drsignet/. */
export function renderSnippets(nginx: NginxTemplates): RenderedFile[] {
  return [...nginx.files]
    .filter(([path]) => path.startsWith('snippets/') && path.endsWith('.conf'))
    .sort(byText(([path]) => path))
    .map(([path, contents]) => ({ path: `${SNIPPET_DIR}/${path.slice('snippets/'.length)}`, contents }))
}
