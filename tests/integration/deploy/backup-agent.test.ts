// Proof: the database instance's "backup" revision brings MongoDB up with no hand on the keyboard (ops database-up:
// TLS from a CA it makes in the secrets bucket, mongod started on the data volume, the admin, backup and client
// users made with passwords it keeps in the bucket, the client apps' connection strings written there), installs
// the ops tool as a release (production dependencies, `current` switched in one rename) and the nightly timer
// (real systemctl); ValidateService runs `backup --check` as the timer will. A password that no longer opens the
// database fails AfterInstall before `current` moves.
// Runs under the real CodeDeploy agent on a booted instance: real users, real systemd, FerretDB as mongod
// (tests/harness/database-instance.ts) on a data volume at the environment's fixed address.
// I/O: starts moto, one booted instance (systemd) with FerretDB inside, TCP relays into the instance's namespace.
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { MongoClient } from 'mongodb'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../../scripts/lib/bundle/backup-agent.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import { createFleet, destroyFleet, launchInstance, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import {
  bootInstance,
  instanceExec,
  killInstance,
  pathIn,
  writtenPath,
} from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { backupAgentPaths, mongoCaKeys } from '../../../scripts/lib/render/backup-paths.ts'
import { clientEnvKey, passwordKey } from '../../../scripts/lib/database/users.ts'
import { X509Certificate } from 'node:crypto'
import { startMoto, type Moto, motoS3, createBuckets } from '../../harness/moto.ts'
import { freePort, waitFor } from '../../harness/ports.ts'
import { requireTool } from '../../harness/tools.ts'
import { installDatabase, newVolume, withVolume } from '../../../scripts/lib/deploy-local/database-instance.ts'
import { explain, instanceRoleEnv, readIn, statIn, userIn } from './support.ts'

const model = readModel('.', 'staging')
const work = mkdtempSync(join(tmpdir(), 'deploy-backup-'))
let moto: Moto
let fleet: Fleet
let s3: S3Client
const logs: string[] = []

async function bundle(name: string): Promise<string> {
  const gz = await packEntries(
    backupAgentEntries(model, { ops: readOpsSnapshot('staging'), hooks: backupHookEntries() }),
  )
  const file = join(work, `${name}-${contentHash(gz).slice(0, 12)}.tar.gz`)
  writeFileSync(file, gz)
  return file
}

const getSecret = async (key: string) =>
  await (await s3.send(new GetObjectCommand({ Bucket: model.env.secrets.bucket, Key: key }))).Body!.transformToString()
const putSecret = (key: string, body: string) =>
  s3.send(new PutObjectCommand({ Bucket: model.env.secrets.bucket, Key: key, Body: body }))

const passEnv = () => instanceRoleEnv(moto, model.env.region)

test.before(async () => {
  for (const t of ['nginx', 'ip', 'systemctl', 'npm']) requireTool(t)
  moto = await startMoto()
  s3 = motoS3(moto, model.env.region)
  await createBuckets(s3, model.env.region, [model.env.secrets.bucket, model.env.backup.bucket])
  // The database group has no load balancer. Its instance boots with the data volume, then gets MongoDB and the
  // fixed address, as the launch template and ops database-up's attach leave it on EC2.
  fleet = await createFleet(join(work, 'fleet'), 0, [])
  const db = await launchInstance(fleet, withVolume(newVolume(work, 'data-1')))
  installDatabase(db, model)
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

const i = () => fleet.instances[0]!
const at = (path: string) => pathIn(i(), path)
const fixed = () => `${model.env.database.address}:${model.env.network.mongoPort}`

test('the backup revision brings the database up: TLS, users made by code, the tool, its URI and the nightly timer', async () => {
  const r = await deployRevision(fleet, await bundle('backup'), {
    passEnv: passEnv(),
    onProgress: (p) => void logs.push(`${p.event} ${p.status}`),
  })
  assert.ok(r.ok, explain(r))
  const id = r.agentDeployments[i().name]!

  const current = at(backupAgentPaths.current)
  assert.ok(lstatSync(current).isSymbolicLink())
  assert.is(
    readlinkSync(current),
    `releases/${id}`,
    'a relative link to the release named by the deployment, switched in one rename',
  )
  assert.match(id, /^d-[A-Z0-9]{9}-local$/)
  assert.ok(existsSync(join(current, 'scripts/ops.ts')))
  assert.ok(existsSync(join(current, 'dist/ops.mjs')), 'the compiled tool the units and database-up start')
  assert.ok(existsSync(join(current, 'node_modules/mongodb/package.json')), 'production dependencies installed')
  assert.not.ok(existsSync(join(current, 'node_modules/uvu')), 'no dev dependencies')

  // Passwords: made once in the secrets bucket; the backup tool's URI on this host, loopback, TLS.
  const backupPassword = (await getSecret(passwordKey(model, 'backup'))).trim()
  assert.match(backupPassword, /^[A-Za-z0-9_-]{43}$/)
  const envFile = statIn(i(), backupAgentPaths.envFile)
  assert.is(envFile.mode & 0o777, 0o600)
  assert.is(userIn(i(), envFile.uid), backupAgentPaths.user)
  assert.is(
    readIn(i(), backupAgentPaths.envFile),
    `MONGODB_URI=mongodb://backup:${backupPassword}@127.0.0.1:${model.env.network.mongoPort}/?authSource=admin&tls=true\n`,
  )
  const admin = statIn(i(), backupAgentPaths.adminEnvFile)
  assert.equal([admin.uid, admin.mode & 0o777], [0, 0o600], "the admin's password is root's alone")

  // Each client app's connection string names the fixed address, and opens its database from outside the host.
  const ca = await getSecret(mongoCaKeys(model.env.secrets.prefix).cert)
  for (const app of Object.keys(model.env.database.clients)) {
    const env = await getSecret(clientEnvKey(model, app))
    const uri = env.match(/^MONGODB_URI=(.*)$/m)![1]!
    assert.ok(
      uri.startsWith(`mongodb://${app}:`) && uri.includes(`@${fixed()}/drsignet?authSource=admin&tls=true`),
      env.replace(/:[^:@]*@/, ':***@'),
    )
    const client = await MongoClient.connect(uri, { ca, serverSelectionTimeoutMS: 10_000 })
    await client.db('drsignet').collection('patients').insertOne({ name: 'Asha', by: app })
    await client.close()
  }
  const wrong = new MongoClient(`mongodb://patient-api:wrong@${fixed()}/drsignet?authSource=admin&tls=true`, {
    ca,
    serverSelectionTimeoutMS: 5000,
  })
  const refused = await wrong.connect().then(
    () => 'connected',
    (e: Error) => e.message,
  )
  await wrong.close()
  assert.match(refused, /Authentication failed/)

  assert.ok(existsSync(at('/etc/systemd/system/drsignet-backup-staging.service')))
  assert.ok(
    lstatSync(at('/etc/systemd/system/timers.target.wants/drsignet-backup-staging.timer')).isSymbolicLink(),
    'the timer is enabled',
  )
  assert.is(
    instanceExec(i(), ['systemctl', 'is-active', 'drsignet-backup-staging.timer']).stdout.trim(),
    'active',
    'and running',
  )
  assert.is(
    instanceExec(i(), ['systemctl', 'is-active', 'drsignet-mongo-tls-staging.timer']).stdout.trim(),
    'active',
    'the certificate renewal runs daily',
  )
  assert.is(
    instanceExec(i(), ['systemctl', 'is-enabled', 'mongod.service']).stdout.trim(),
    'enabled',
    'mongod starts at boot, once its volume is mounted',
  )

  // TLS: the environment's CA made in the secrets bucket by this first host, a certificate for the fixed address.
  const tlsDir = backupAgentPaths.tlsDir
  assert.is(readIn(i(), `${tlsDir}/ca.pem`), ca)
  const server = statIn(i(), `${tlsDir}/server.pem`)
  assert.is(server.uid, 0)
  assert.is(server.mode & 0o077 & ~0o040, 0, "the key is no one else's to read")
  const cert = new X509Certificate(readIn(i(), `${tlsDir}/server.pem`))
  assert.ok(cert.checkIssued(new X509Certificate(ca)))
  assert.ok(cert.checkIP(model.env.database.address), cert.subjectAltName)
  const conf = readIn(i(), backupAgentPaths.mongodConf)
  assert.match(
    conf,
    /^  tls:\n    mode: requireTLS\n    certificateKeyFile: \/etc\/drsignet\/mongo-tls\/server\.pem\n/m,
  )
  assert.match(
    conf,
    new RegExp(
      `^  bindIp: 127\\.0\\.0\\.1(,\\d+\\.\\d+\\.\\d+\\.\\d+)*,${model.env.database.address.replaceAll('.', '\\.')}(,|\\n)`,
      'm',
    ),
  )

  const log = readFileSync(scriptLog(id), 'utf8')
  assert.match(log, /mongo-tls staging: CA created at s3:\/\/drsignet-staging-secrets\//)
  assert.match(
    log,
    /database-up staging: .* new data volume and no backup under s3:\/\/drsignet-staging-backups\/backups\/staging\/: a new environment, starting empty/,
  )
  assert.match(
    log,
    /database-up staging: .* users: admin updated, backup created, doctor-api created, patient-api created \(FerretDB /,
  )
  assert.match(log, /LifecycleEvent - ValidateService\n(.*\n)*.*backup staging --check: MongoDB \S+ answers: /)
  assert.not.ok(log.includes(backupPassword), "the hooks' log shows a password")
  assert.not.ok(
    instanceExec(i(), ['journalctl', '--no-pager', '--output', 'cat']).stdout.includes(backupPassword),
    'the journal shows a password',
  )
})

test('a deployment after a reboot finds the database in place and only repairs the users', async () => {
  killInstance(i())
  await bootInstance(i(), join(fleet.dir, 'revisions'))
  const r = await deployRevision(fleet, await bundle('again'), { passEnv: passEnv() })
  assert.ok(r.ok, explain(r))
  const log = readFileSync(scriptLog(r.agentDeployments[i().name]!), 'utf8')
  assert.match(log, /database-up staging: .* address 10\.30\.128\.10 and data volume at \/var\/lib\/mongo already here/)
  assert.match(log, /database-up staging: .* data volume holds drsignet: nothing to restore/)
  assert.match(log, /users: admin updated, backup updated, doctor-api updated, patient-api updated/)
})

test('on the database instance the backup user reaches the metadata service (its S3 access), no other user does', async () => {
  instanceExec(i(), ['ip', 'addr', 'add', '169.254.169.254/32', 'dev', 'lo'])
  const started = instanceExec(i(), [
    'systemd-run',
    '--unit=fake-imds',
    '--',
    '/usr/bin/node',
    '-e',
    `require('http').createServer((q, s) => s.end('role-credentials')).listen(8169, '169.254.169.254')`,
  ])
  assert.is(started.exitCode, 0, started.stderr)
  const ask = (user: string) =>
    instanceExec(i(), ['runuser', '-u', user, '--', 'curl', '-sS', '--max-time', '3', 'http://169.254.169.254:8169/'])
  await waitFor('the stand-in IMDS', async () => ask('root').stdout === 'role-credentials', 10_000)
  assert.is(ask(backupAgentPaths.user).stdout, 'role-credentials')
  const other = ask('nobody')
  assert.is.not(other.exitCode, 0, other.stdout)
  assert.match(readIn(i(), '/etc/drsignet/imds-users'), new RegExp(`^${backupAgentPaths.user}$`, 'm'))
})

test('an admin password that no longer opens the database fails AfterInstall and leaves the running release alone', async () => {
  const before = readlinkSync(at(backupAgentPaths.current))
  const goodUri = readIn(i(), backupAgentPaths.envFile)
  const good = await getSecret(passwordKey(model, 'admin'))
  await putSecret(passwordKey(model, 'admin'), 'not-the-password\n')
  try {
    const r = await deployRevision(fleet, await bundle('bad-admin'), { passEnv: passEnv() })
    assert.not.ok(r.ok)
    assert.is(r.failure?.event, 'AfterInstall')
    assert.match(
      r.failure!.tail!,
      "the admin's password in the secrets bucket does not open this database, and it already has users",
    )
    assert.is(readlinkSync(at(backupAgentPaths.current)), before, '`current` never moved to the failed release')
    assert.is(readIn(i(), backupAgentPaths.envFile), goodUri, 'the backup tool keeps the URI that works')
  } finally {
    await putSecret(passwordKey(model, 'admin'), good)
  }
})

/** The agent's log of one deployment's scripts, on the instance's disk. */
const scriptLog = (deploymentId: string) =>
  writtenPath(i(), `/opt/codedeploy-agent/deployment-root/local-staging-backup/${deploymentId}/logs/scripts.log`)

test.run()
