// Renders the nginx vhost of one app and the shared snippets from the nunjucks templates in nginx/ (pure; templates read once).
import { readdirSync, readFileSync } from 'node:fs'
import nunjucks from 'nunjucks'
import type { App, Model } from '../config/model.ts'
import { instancePaths } from './hook-settings.ts'
import type { RenderedFile } from './types.ts'

const templateDir = new URL('../../../nginx/', import.meta.url)
const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(templateDir.pathname, { noCache: false }), {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: true,
})

// Defence in depth: the schema already refuses these, but nothing reaches nginx without this check.
const NGINX_SAFE = /^[A-Za-z0-9._:/~*=-]+$/
function assertSafe(value: unknown, where: string): void {
  if (value === undefined || typeof value === 'number' || typeof value === 'boolean') return
  if (Array.isArray(value)) return value.forEach((v, i) => assertSafe(v, `${where}[${i}]`))
  if (value && typeof value === 'object') return Object.entries(value).forEach(([k, v]) => assertSafe(v, `${where}.${k}`))
  if (typeof value !== 'string' || !NGINX_SAFE.test(value) || value.includes('..'))
    throw new Error(`refusing to render ${where} = ${JSON.stringify(value)} into nginx: only letters, digits and ._:/~*=- are allowed`)
}

/** The app name as an nginx identifier (upstream, zone and variable names). */
export const nginxId = (app: App) => `drsignet_${app.name.replace(/-/g, '_')}`
/** Paths as in the revision bundle; snippet paths are relative to the nginx conf dir, as the vhost includes them. */
export const vhostPath = (app: App) => `nginx/${app.name}.conf`
export const SNIPPET_DIR = 'drsignet'

/** `instanceRoot` prefixes the static root for tests that serve a rendered vhost from a temporary tree; bundles are
 *  rendered without it (deploy-local moves the root in AfterInstall instead), and on EC2 it is empty. */
export function renderVhost(app: App, model: Model, instanceRoot = ''): RenderedFile {
  const values = {
    name: app.name, kind: app.kind, port: app.port, proxyPort: app.proxyPort, hosts: app.hosts, paths: app.paths,
    healthCheck: app.healthCheck.path, nginx: app.nginx, vpc: model.env.network.vpcCidr, env: model.env.name,
  }
  assertSafe({ ...values, instanceRoot: instanceRoot || '/' }, app.name)
  const spa = app.kind === 'spa'
  const contents = templates.render('vhost.conf.njk', {
    app,
    env: model.env,
    id: nginxId(app),
    spa,
    staticRoot: spa ? `${instanceRoot}${instancePaths(app).appDir}/${app.nginx.staticRoot}` : '',
    securityHeaders: spa ? 'security-headers-portal.conf' : 'security-headers-api.conf',
    keepaliveTimeout: model.env.loadBalancer.idleTimeout + 15,
  })
  return { path: vhostPath(app), contents }
}

/** The static snippets every vhost includes, installed beside them as /etc/nginx/drsignet/. */
export function renderSnippets(): RenderedFile[] {
  const dir = new URL('snippets/', templateDir)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => ({ path: `${SNIPPET_DIR}/${f}`, contents: readFileSync(new URL(f, dir), 'utf8') }))
}
