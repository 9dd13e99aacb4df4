// The backup tool's rendered revision files: which files, its appspec, the settings its hooks read, the policy a
// reviewer sees, and what an environment's values change (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parse } from 'yaml'
import type { Model } from '../../scripts/lib/config/model.ts'
import {
  backupAgentAppspec,
  backupAgentSettings,
  renderBackupAgentFiles,
} from '../../scripts/lib/render/backup-agent.ts'
import { productionModel } from '../fixtures/model.ts'

const fileOf = (model: Model, path: string) => renderBackupAgentFiles(model).find((f) => f.path === path)!.contents
/** productionModel as another environment in another region, backed up from another group. */
function staging(): Model {
  const model = productionModel()
  const groups = model.env.instanceGroups.map((g) => (g.name === 'database' ? { ...g, name: 'db' } : g))
  return {
    ...model,
    env: {
      ...model.env,
      name: 'staging',
      region: 'eu-west-1',
      instanceGroups: groups,
      backup: { ...model.env.backup, instanceGroup: 'db' },
    },
  }
}

test('the revision: appspec, hook settings, metadata, policy, the units of its environment, its agent config', () => {
  assert.equal(
    renderBackupAgentFiles(productionModel()).map((f) => f.path),
    [
      'appspec.yml',
      'deploy/hook.env',
      'deploy/environment.json',
      'deploy/policy.json',
      'systemd/drsignet-backup-production.service',
      'systemd/drsignet-backup-production.timer',
      'systemd/drsignet-backup-production-check.service',
      'systemd/drsignet-mongo-tls-production.service',
      'systemd/drsignet-mongo-tls-production.timer',
      'deploy/cloudwatch-agent/base.json',
      'deploy/cloudwatch-agent/backup.json',
    ],
  )
  assert.equal(
    renderBackupAgentFiles(staging())
      .map((f) => f.path)
      .filter((p) => p.startsWith('systemd/')),
    [
      'systemd/drsignet-backup-staging.service',
      'systemd/drsignet-backup-staging.timer',
      'systemd/drsignet-backup-staging-check.service',
      'systemd/drsignet-mongo-tls-staging.service',
      'systemd/drsignet-mongo-tls-staging.timer',
    ],
  )
})

test('the appspec installs the bundle under /opt/drsignet/ops and runs its four hooks as root, in order, within budget', () => {
  assert.equal(backupAgentAppspec(), {
    version: 0,
    os: 'linux',
    files: [{ source: '/', destination: '/opt/drsignet/ops/bundle' }],
    file_exists_behavior: 'OVERWRITE',
    hooks: {
      BeforeInstall: [{ location: 'hooks/backup/before-install.sh', timeout: 900, runas: 'root' }],
      AfterInstall: [{ location: 'hooks/backup/after-install.sh', timeout: 3600, runas: 'root' }],
      ApplicationStart: [{ location: 'hooks/backup/application-start.sh', timeout: 60, runas: 'root' }],
      ValidateService: [{ location: 'hooks/backup/validate-service.sh', timeout: 180, runas: 'root' }],
    },
  })
  const text = fileOf(productionModel(), 'appspec.yml')
  assert.is(
    text.split('\n')[0],
    '# Rendered for the MongoDB backup of production by scripts/lib/render/backup-agent.ts; do not edit.',
  )
  assert.equal(parse(text), backupAgentAppspec())
})

test('the settings its hooks read: the environment, its region and units, and the fixed layout on the host', () => {
  assert.equal(backupAgentSettings(staging()), {
    ENVIRONMENT: 'staging',
    AWS_REGION: 'eu-west-1',
    BACKUP_USER: 'drsignet-backup',
    BACKUP_HOME: '/var/lib/drsignet-backup',
    ENV_FILE: '/etc/drsignet/backup.env',
    OPS_BUNDLE_DIR: '/opt/drsignet/ops/bundle',
    OPS_RELEASES_DIR: '/opt/drsignet/ops/releases',
    OPS_CURRENT: '/opt/drsignet/ops/current',
    UNIT_DIR: '/etc/systemd/system',
    BACKUP_LOG: '/var/log/drsignet/backup.log',
    UNIT: 'drsignet-backup-staging',
    KEEP_RELEASES: '3',
    MONGO_TLS_DIR: '/etc/drsignet/mongo-tls',
    MONGOD_CONF: '/etc/mongod.conf',
    TLS_UNIT: 'drsignet-mongo-tls-staging',
    BOOT_COMPLETE: '/var/lib/drsignet/boot-complete',
  })
  const env = fileOf(staging(), 'deploy/hook.env').split('\n')
  assert.equal(env.slice(0, 3), [
    '# Rendered for the MongoDB backup of staging; read by hooks/lib/base.sh.',
    "AWS_REGION='eu-west-1'",
    "BACKUP_HOME='/var/lib/drsignet-backup'",
  ])
})

test('the deployment metadata names the backup group of the environment, with no proxy port or version', () => {
  assert.is(
    fileOf(staging(), 'deploy/environment.json'),
    '{\n  "app": "backup",\n  "environment": "staging",\n  "instanceGroup": "db",\n  "region": "eu-west-1"\n}\n',
  )
})

test('the policy file is the backup, secrets and database settings of the YAML, so their change shows in the diff', () => {
  const model = productionModel()
  const { backup, secrets, database } = model.env
  assert.equal(JSON.parse(fileOf(model, 'deploy/policy.json')), { backup, secrets, database })
  const before = fileOf(model, 'deploy/policy.json').split('\n')
  const after = fileOf(
    { ...model, env: { ...model.env, backup: { ...backup, rtoHours: 3 } } },
    'deploy/policy.json',
  ).split('\n')
  assert.equal(
    after.filter((line, i) => line !== before[i]),
    ['    "rtoHours": 3,'],
  )
  assert.ok(fileOf(model, 'deploy/policy.json').endsWith('}\n'))
})

test('a backup group that is not an instance group of the environment cannot render', () => {
  const model = productionModel()
  const broken = { ...model, env: { ...model.env, backup: { ...model.env.backup, instanceGroup: 'nowhere' } } }
  assert.throws(
    () => renderBackupAgentFiles(broken),
    (e: Error) => e.message === 'backup: instance group nowhere does not exist',
  )
})

test.run()
