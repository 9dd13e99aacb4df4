// Renders what the database instance's "backup" CodeDeploy revision carries besides the ops tool and its hooks:
// appspec.yml, deploy/hook.env, the systemd units and its group's CloudWatch agent configuration, in bundle paths (pure).
import type { Model } from '../config/model.ts'
import { deploymentMetadata } from './app-deploy-files.ts'
import { appspecYaml, revisionAppspec } from './appspec.ts'
import { BACKUP_AGENT, backupAgentPaths, backupUnit, mongoTlsUnit } from './backup-paths.ts'
import { renderBackupUnits } from './backup-timer.ts'
import { agentFilesOf } from './cloudwatch-agent.ts'
import { settingsFile } from './hook-settings.ts'
import type { RenderedFile } from './types.ts'

/** Hook scripts in the documented order, with the budget each needs (npm ci dominates AfterInstall). */
const hooks = [
  // BeforeInstall waits for a new instance's boot script (up to 13 min).
  { event: 'BeforeInstall', location: 'hooks/backup/before-install.sh', timeout: 900, runas: 'root' },
  // AfterInstall: npm ci, then database-up: attach (up to 10 min), mongod's start, and on a new volume the restore.
  // CodeDeploy allows a hook one hour at most; the restore must fit in what is left (docs/disaster-recovery.md).
  { event: 'AfterInstall', location: 'hooks/backup/after-install.sh', timeout: 3600, runas: 'root' },
  { event: 'ApplicationStart', location: 'hooks/backup/application-start.sh', timeout: 60, runas: 'root' },
  // Root, to start the check service: it runs as the backup user in the nightly run's sandbox.
  { event: 'ValidateService', location: 'hooks/backup/validate-service.sh', timeout: 180, runas: 'root' },
] as const

export function backupAgentAppspec() {
  // Everything stays root's, as the archive has it: the backup user only reads the tool and runs it.
  return revisionAppspec(backupAgentPaths.bundle, Object.fromEntries(hooks.map(({ event, ...h }) => [event, [h]])))
}

export function backupAgentSettings(model: Model): Record<string, string> {
  const p = backupAgentPaths
  return {
    ENVIRONMENT: model.env.name,
    AWS_REGION: model.env.region,
    BACKUP_USER: p.user,
    BACKUP_HOME: p.home,
    ENV_FILE: p.envFile,
    OPS_BUNDLE_DIR: p.bundle,
    OPS_RELEASES_DIR: p.releases,
    OPS_CURRENT: p.current,
    UNIT_DIR: p.unitDir,
    BACKUP_LOG: p.log,
    UNIT: backupUnit(model),
    KEEP_RELEASES: '3',
    MONGO_TLS_DIR: p.tlsDir,
    MONGOD_CONF: p.mongodConf,
    TLS_UNIT: mongoTlsUnit(model),
    BOOT_COMPLETE: p.bootComplete,
  }
}

export function renderBackupAgentFiles(model: Model): RenderedFile[] {
  return [
    {
      path: 'appspec.yml',
      contents: `# Rendered for the MongoDB backup of ${model.env.name} by scripts/lib/render/backup-agent.ts; do not edit.\n${appspecYaml(backupAgentAppspec())}`,
    },
    settingsFile(
      `Rendered for the MongoDB backup of ${model.env.name}; read by hooks/lib/base.sh.`,
      backupAgentSettings(model),
    ),
    deploymentMetadata({
      app: BACKUP_AGENT,
      environment: model.env.name,
      instanceGroup: model.env.backup.instanceGroup,
      region: model.env.region,
    }),
    backupPolicyFile(model),
    ...renderBackupUnits(model),
    ...agentFilesOf(model, model.env.backup.instanceGroup, BACKUP_AGENT),
  ]
}

/**
 * deploy/policy.json: what the ops tool on the database host reads from this environment's YAML when it runs (the
 * backup policy, and where the secrets and the database CA live). Nothing reads this file; it is there so that
 * build/ENV/ and the plan's diff show a reviewer the change (`rtoHours: 2 -> 3`), not only a new revision hash.
 */
function backupPolicyFile(model: Model): RenderedFile {
  const { backup, secrets, database } = model.env
  return { path: 'deploy/policy.json', contents: `${JSON.stringify({ backup, secrets, database }, null, 2)}\n` }
}
