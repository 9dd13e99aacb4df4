// Renders deploy/hook.env, the shell-safe settings the lifecycle hooks source, and fixes the on-instance paths (pure).
import { clientEnvKey } from '../database/users.ts'
import type { App, Model } from '../config/model.ts'
import type { RenderedFile } from './types.ts'
import { mongoCaKeys } from './backup-paths.ts'
import { appSecretKey } from '../names.ts'

/**
 * Where an app lives on an instance, and who owns what (docs/instance-ownership.md): root owns everything root runs
 * or reads and every folder above it; the app user owns only what it writes (appDir, by the appspec; its logs, its
 * pm2 home and its own home, each in a root-owned parent) and its .env, in a root-owned folder it may only read.
 */
export const instancePaths = (app: App) => ({
  release: `/opt/drsignet/${app.name}/current`,
  appDir: `/opt/drsignet/${app.name}/current/app`,
  envFile: `/etc/drsignet/${app.name}/.env`,
  // The database's CA certificate beside it: the app verifies MongoDB's certificate with it (MONGODB_TLS_CA_FILE).
  mongoCa: `/etc/drsignet/${app.name}/mongo-ca.pem`,
  logDir: `/var/log/drsignet/${app.name}`,
  home: `/var/lib/drsignet/${app.name}/home`,
  pm2Home: `/var/lib/drsignet/${app.name}/pm2`,
  // log-freeze's pids, root's own: never in a folder the app could write.
  logFreezeState: `/run/drsignet/log-freeze/${app.name}.pids`,
  nginxConf: '/etc/nginx/nginx.conf',
  vhost: `/etc/nginx/conf.d/drsignet-${app.name}.conf`,
  snippets: '/etc/nginx/drsignet',
})

/** Hook scripts, in bundle-relative paths, named for the event they serve (in the documented order).
 *  Draining waits after the block (AfterBlockTraffic): before it, new requests still arrive. */
export const hookScripts = {
  ApplicationStop: 'hooks/application-stop.sh',
  BeforeInstall: 'hooks/before-install.sh',
  AfterInstall: 'hooks/after-install.sh',
  ApplicationStart: 'hooks/application-start.sh',
  ValidateService: 'hooks/validate-service.sh',
  AfterBlockTraffic: 'hooks/after-block-traffic.sh',
} as const

/** A single-quoted shell word: safe whatever the value holds. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

/** "200" or "200-299" as the inclusive range the hooks compare status codes against. */
function matcherRange(matcher: string): [number, number] {
  const [lo, hi] = matcher.split('-').map(Number)
  return [lo, hi ?? lo]
}

export function hookSettings(app: App, model: Model): Record<string, string> {
  const p = instancePaths(app)
  const [okMin, okMax] = matcherRange(app.healthCheck.matcher.split(',')[0])
  return {
    APP_NAME: app.name,
    APP_VERSION: app.version,
    APP_USER: app.user,
    APP_PORT: String(app.port),
    PROXY_PORT: String(app.proxyPort),
    ENVIRONMENT: model.env.name,
    AWS_REGION: model.env.region,
    SECRETS_BUCKET: model.env.secrets.bucket,
    SECRETS_KEY: appSecretKey(model.env.secrets.prefix, app.name),
    // A database client's connection string, made by the database host (ops database-up); empty for other apps.
    MONGO_ENV_KEY: app.name in model.env.database.clients ? clientEnvKey(model, app.name) : '',
    // Where that string points: a new address (a zone moved) changes the app's revision, so apply redeploys the app
    // after the database host rewrote its connection string.
    DATABASE_ADDRESS:
      app.name in model.env.database.clients ? `${model.env.database.address}:${model.env.network.mongoPort}` : '',
    MONGO_CA_KEY: mongoCaKeys(model.env.secrets.prefix).cert,
    MONGO_CA_FILE: p.mongoCa,
    HEALTH_PATH: app.healthCheck.path,
    // Checks through nginx send the first host so the request reaches this vhost, not the default server.
    HEALTH_HOST: app.hosts[0] ?? '',
    HEALTH_TIMEOUT: String(app.healthCheck.timeout),
    HEALTH_THRESHOLD: String(app.healthCheck.healthyThreshold),
    HEALTH_OK_MIN: String(okMin),
    HEALTH_OK_MAX: String(okMax),
    // ValidateService must finish well inside its hook timeout, so it keeps 10 s in hand.
    HEALTH_BUDGET: String(Math.max(5, (app.hookTimeouts.ValidateService ?? 120) - 10)),
    READY_BUDGET: String(Math.max(5, Math.ceil(app.pm2.listenTimeout / 1000) + 5)),
    DRAIN_SECONDS: String(
      Math.max(1, (app.hookTimeouts.AfterBlockTraffic ?? app.hookTimeouts.BeforeBlockTraffic ?? 60) - 10),
    ),
    RELEASE_DIR: p.release,
    APP_DIR: p.appDir,
    ENV_FILE: p.envFile,
    LOG_DIR: p.logDir,
    PM2_HOME_DIR: p.pm2Home,
    APP_HOME: p.home,
    NGINX_CONF: p.nginxConf,
    VHOST_FILE: p.vhost,
    SNIPPETS_DIR: p.snippets,
  }
}

/** deploy/hook.env: one sorted, single-quoted KEY='value' line per setting, under a comment. */
export function settingsFile(comment: string, settings: Record<string, string>): RenderedFile {
  const lines = Object.keys(settings)
    .sort()
    .map((k) => `${k}=${shellQuote(settings[k]!)}`)
  return { path: 'deploy/hook.env', contents: `# ${comment}\n${lines.join('\n')}\n` }
}

export const renderHookSettings = (app: App, model: Model): RenderedFile =>
  settingsFile(`Rendered for ${app.name} in ${model.env.name}; read by hooks/lib/common.sh.`, hookSettings(app, model))
