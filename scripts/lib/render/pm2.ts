// Renders the pm2 ecosystem file and the lossless log rotation for one app's instances (pure).
import type { App, Model } from '../config/model.ts'
import { instancePaths } from './hook-settings.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'

/** The log files pm2 writes on an instance; the CloudWatch agent follows exactly these. */
export const pm2LogFiles = (app: App) => ({
  out: `${instancePaths(app).logDir}/out.log`,
  error: `${instancePaths(app).logDir}/error.log`,
})

/** The process entry, with absolute on-instance paths. */
export function pm2Process(app: App, model: Model) {
  const p = instancePaths(app)
  const logs = pm2LogFiles(app)
  const cluster = app.pm2.instances > 1
  return {
    name: app.name,
    script: app.start.script,
    cwd: p.appDir,
    // Node reads the secrets itself: they never pass through pm2's argv, dump or `pm2 env`.
    node_args: [`--env-file=${p.envFile}`, ...app.start.nodeArgs],
    // MONGODB_TLS_CA_FILE: the database's CA (BeforeInstall puts it there), for the app's MongoClient tlsCAFile.
    env: {
      APP_VERSION: app.version,
      DRSIGNET_ENV: model.env.name,
      HOST: '127.0.0.1',
      MONGODB_TLS_CA_FILE: p.mongoCa,
      NODE_ENV: 'production',
      PORT: String(app.port),
    },
    exec_mode: cluster ? 'cluster' : 'fork',
    instances: app.pm2.instances,
    max_memory_restart: app.pm2.maxMemoryRestart,
    kill_timeout: app.pm2.killTimeout,
    wait_ready: app.pm2.waitReady,
    listen_timeout: app.pm2.listenTimeout,
    // A crash loop must end in "errored" so ApplicationStart fails instead of waiting forever.
    max_restarts: 5,
    min_uptime: 5000,
    restart_delay: 500,
    autorestart: true,
    out_file: logs.out,
    error_file: logs.error,
    merge_logs: true,
    log_date_format: 'YYYY-MM-DDTHH:mm:ss.SSSZ',
  }
}

/** deploy/ecosystem.config.cjs: the same bytes on every instance, paths as the instance has them. */
export function renderEcosystem(app: App, model: Model): RenderedFile {
  const data = JSON.stringify(sortKeys([pm2Process(app, model)]), null, 2)
  const contents = `// pm2 ecosystem for ${app.name} in ${model.env.name}; rendered by scripts/lib/render/pm2.ts, do not edit.
'use strict'
module.exports = {
  apps: ${data.replace(/\n/g, '\n  ')},
}
`
  return { path: 'deploy/ecosystem.config.cjs', contents }
}

/** pm2 size strings (50M, 1G) as logrotate sizes (50M, 1G). */
const logrotateSize = (size: string) =>
  size.replace(/B$/i, '').replace(/^(\d+)([kmg])$/i, (_, n, u) => `${n}${u.toUpperCase()}`)

/**
 * deploy/logrotate.conf. pm2's reloadLogs destroys its write stream and drops the lines still buffered
 * in it, and plain copytruncate drops the lines written between the copy and the truncate. So the
 * writers are paused (SIGSTOP) for the copy and truncate and resumed after: no line is lost, the
 * stream never stops, and the files keep their inode, which the CloudWatch agent follows. logrotate is root's
 * but touches the app-owned log folder only as the app user (`su`); its scripts still run as root, so log-freeze
 * keeps its state in a root-owned folder and pauses only the app user's processes.
 */
export function renderLogrotate(app: App): RenderedFile {
  const p = instancePaths(app)
  const logs = pm2LogFiles(app)
  const freeze = `bash ${p.release}/hooks/lib/log-freeze.sh`
  const state = p.logFreezeState
  const contents = `# logrotate for ${app.name}; rendered by scripts/lib/render/pm2.ts, do not edit.
${logs.error} ${logs.out} {
    daily
    maxsize ${logrotateSize(app.logs.maxSize)}
    rotate ${app.logs.retain}
    missingok
    notifempty
    ${app.logs.compress ? 'compress\n    delaycompress' : 'nocompress'}
    dateext
    dateformat -%Y%m%d-%s
    copytruncate
    su ${app.user} ${app.user}
    sharedscripts
    prerotate
        ${freeze} freeze ${state} ${app.user} ${logs.out} ${logs.error}
    endscript
    postrotate
        ${freeze} thaw ${state}
    endscript
}
`
  return { path: 'deploy/logrotate.conf', contents }
}
