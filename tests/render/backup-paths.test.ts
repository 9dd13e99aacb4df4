// The backup tool's names and host paths: what follows from the environment, the layout its release links rely on,
// the names no app may take, and node's flags wherever the tool moves data (reads the schema, package.json, the hook
// and the rendered units).
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, normalize } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  BACKUP_AGENT,
  BACKUP_ENVIRONMENT,
  OPS_TMPDIR,
  OPS_ENTRY,
  OPS_NODE_ARGS,
  backupAgentPaths,
  backupSecretKey,
  backupUnit,
  mongoCaKeys,
  mongoTlsUnit,
} from '../../scripts/lib/render/backup-paths.ts'
import { renderBackupUnits } from '../../scripts/lib/render/backup-timer.ts'
import { fixtureModel } from '../fixtures/model.ts'

test('unit names and the secret key follow the environment and its secrets prefix', () => {
  const production = fixtureModel()
  const staging = fixtureModel(undefined, {
    name: 'staging',
    secrets: { ...production.env.secrets, prefix: 'team/secrets/staging' },
  })
  assert.equal(
    [backupUnit(production), mongoTlsUnit(production), backupSecretKey(production)],
    ['drsignet-backup-production', 'drsignet-mongo-tls-production', 'secrets/production/backup/.env'],
  )
  assert.equal(
    [backupUnit(staging), mongoTlsUnit(staging), backupSecretKey(staging)],
    ['drsignet-backup-staging', 'drsignet-mongo-tls-staging', 'team/secrets/staging/backup/.env'],
  )
})

test("the database CA's key and certificate live beside each other under the secrets prefix", () => {
  assert.equal(mongoCaKeys('secrets/production'), {
    key: 'secrets/production/mongo-tls/ca.key',
    cert: 'secrets/production/mongo-tls/ca.pem',
  })
})

test('host paths are absolute and normal; the current link and the releases share a parent, so the link is relative', () => {
  const odd = Object.entries(backupAgentPaths).filter(
    ([key, p]) => key !== 'user' && (!isAbsolute(p) || normalize(p) !== p || p.endsWith('/')),
  )
  assert.equal(odd, [])
  assert.is(dirname(backupAgentPaths.current), dirname(backupAgentPaths.releases))
  assert.is(dirname(backupAgentPaths.bundle), dirname(backupAgentPaths.current))
  const files = [backupAgentPaths.envFile, backupAgentPaths.adminEnvFile, backupAgentPaths.mongodConf]
  assert.is(new Set(files).size, files.length, 'no two settings files are one')
})

test("the backup tool's deployment name is one the schema refuses as an app name", () => {
  const common = JSON.parse(readFileSync(new URL('../../schemas/common.schema.json', import.meta.url), 'utf8'))
  const appName = new RegExp(common.$defs.appName.pattern)
  assert.is(BACKUP_AGENT, 'backup')
  assert.not.ok(appName.test(BACKUP_AGENT))
  assert.not.ok(appName.test('mongo-tls'), 'the folder of the CA under the secrets prefix is taken too')
  assert.ok(appName.test('backups'), 'the pattern refuses the name, not names that start with it')
})

test("node starts the ops tool with the same flags in the units, database-up's hook and npm run ops", () => {
  const flags = OPS_NODE_ARGS.join(' ')
  assert.is(flags, '--max-semi-space-size=4')
  assert.is(OPS_ENTRY, 'dist/ops.mjs')
  const units = renderBackupUnits(fixtureModel())
    .filter((f) => f.path.endsWith('.service'))
    .flatMap((f) => f.contents.split('\n').filter((l) => l.startsWith('ExecStart=')))
  assert.ok(units.length >= 2, 'the backup and TLS services start the tool')
  for (const line of units) assert.ok(line.startsWith(`ExecStart=/usr/bin/node ${flags} dist/ops.mjs `), line)
  // The backup services (the nightly one and its check) run with the allocator setting bench:backup measures.
  const backups = renderBackupUnits(fixtureModel()).filter((f) => /drsignet-backup-.*\.service$/.test(f.path))
  assert.is(backups.length, 2)
  assert.equal(BACKUP_ENVIRONMENT, { MALLOC_MMAP_THRESHOLD_: '131072' })
  for (const f of backups) assert.match(f.contents, /^Environment=MALLOC_MMAP_THRESHOLD_=131072$/m, f.path)
  // Their part files, and database-up's download, wait on the root volume, not in tmpfs.
  assert.is(OPS_TMPDIR, '/var/tmp')
  for (const f of backups) assert.match(f.contents, /^Environment=TMPDIR=\/var\/tmp$/m, f.path)
  const hook = readFileSync('hooks/backup/after-install.sh', 'utf8')
    .split('\n')
    .filter((l) => l.includes('/usr/bin/node'))
  assert.equal(
    hook.map((l) => /TMPDIR=(\S+) \/usr\/bin\/node (.*) dist\/ops\.mjs database-up/.exec(l)?.slice(1)),
    [[OPS_TMPDIR, flags]],
  )
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>
  // By hand, from the sources: the same heap, through tsx.
  assert.is(scripts.ops, `node ${flags} --import tsx scripts/ops.ts`)
})

test.run()
