// The backup tool's revision: a valid appspec whose hooks exist, the ops tool without node_modules, only its own
// hooks, the same bytes twice; app bundles do not carry its hooks (reads the repository).
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import Ajv2020 from 'ajv/dist/2020.js'
import { parse } from 'yaml'
import { readModel } from '../../scripts/lib/config/read.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../scripts/lib/bundle/backup-agent.ts'
import { appHookEntries } from '../../scripts/lib/bundle/build.ts'
import { contentHash, packEntries } from '../../scripts/lib/bundle/tar.ts'
import { renderBackupAgentFiles } from '../../scripts/lib/render/backup-agent.ts'

const schema = JSON.parse(readFileSync(new URL('../../schemas/appspec.schema.json', import.meta.url), 'utf8'))
const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(schema)
const model = readModel('.', 'production')
const entries = backupAgentEntries(model, { ops: readOpsSnapshot('production'), hooks: backupHookEntries() })
const paths = entries.map((e) => e.path)

test('the appspec is valid, and every hook it names is in the bundle and executable', () => {
  const spec = parse(renderBackupAgentFiles(model).find((f) => f.path === 'appspec.yml')!.contents) as Record<
    string,
    any
  >
  assert.ok(validate(spec), JSON.stringify(validate.errors))
  assert.equal(Object.keys(spec.hooks), ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'])
  for (const [event, [hook]] of Object.entries(spec.hooks) as [string, { location: string; runas: string }[]][]) {
    const entry = entries.find((e) => e.path === hook.location)
    assert.ok(entry, `${event}: ${hook.location} is not in the bundle`)
    assert.is(entry!.mode, 0o755, hook.location)
  }
  // The agent runs a runas hook through su; root starts the check service, which runs as the backup user.
  assert.equal(
    Object.values(spec.hooks).map((h: any) => h[0].runas),
    ['root', 'root', 'root', 'root'],
  )
})

test('the bundle holds the ops tool and its own hooks, never node_modules or the app hooks', () => {
  assert.not.ok(paths.includes('ops/environments/staging.yaml'), "another environment's YAML stays out")
  for (const p of [
    'ops/scripts/ops.ts',
    'ops/dist/ops.mjs',
    'ops/package.json',
    'ops/package-lock.json',
    'ops/environments/production.yaml',
    'ops/apps/patient-api.yaml',
    'ops/schemas/environment.schema.json',
    'hooks/lib/base.sh',
    'hooks/lib/fetch-secret.mjs',
    'hooks/lib/agent-config.mjs',
    'deploy/hook.env',
    'deploy/cloudwatch-agent/base.json',
    'deploy/cloudwatch-agent/backup.json',
    'systemd/drsignet-backup-production.service',
    'systemd/drsignet-backup-production.timer',
    'systemd/drsignet-backup-production-check.service',
  ])
    assert.ok(paths.includes(p), p)
  assert.not.ok(
    paths.some((p) => p.includes('node_modules/') || p.startsWith('ops/tests/') || p.startsWith('ops/.git/')),
    'only what runs',
  )
  assert.not.ok(paths.includes('hooks/after-install.sh') || paths.includes('hooks/lib/common.sh'), 'no app hooks')
  assert.not.ok(
    appHookEntries().some((e) => e.path.startsWith('backup/')),
    'app bundles carry no backup hooks',
  )
})

test('the hook settings point at the URI file database-up writes and the release layout the units run from', () => {
  const env = renderBackupAgentFiles(model).find((f) => f.path === 'deploy/hook.env')!.contents
  assert.match(env, "ENV_FILE='/etc/drsignet/backup.env'\n")
  assert.not.match(env, 'SECRETS_KEY', 'no hand-made secret: the backup user and its password are made by code')
  assert.match(env, "OPS_CURRENT='/opt/drsignet/ops/current'\n")
  const service = renderBackupAgentFiles(model).find((f) => f.path.endsWith('.service'))!.contents
  assert.match(service, 'WorkingDirectory=/opt/drsignet/ops/current\n')
})

test('two packs of the same tree are byte-identical', async () => {
  const again = backupAgentEntries(model, { ops: readOpsSnapshot('production'), hooks: backupHookEntries() })
  assert.is(contentHash(await packEntries(entries)), contentHash(await packEntries(again)))
})

test.run()
