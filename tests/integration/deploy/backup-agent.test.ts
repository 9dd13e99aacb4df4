// Proof: the database instance's "backup" revision installs the ops tool as a release (production dependencies
// installed, `current` switched in one rename), the MongoDB URI as a 0600 file, and the nightly timer enabled
// (real systemctl, offline against the instance root); ValidateService runs `backup --check` as the timer will.
// A revision whose secret lacks the URI fails before anything changes.
// Runs under the real CodeDeploy agent on a booted instance: real users, real systemd (the timer is active and the
// check service runs in the nightly unit's sandbox).
// I/O: starts moto, FerretDB, one booted instance (systemd) and TCP relays into the instance's namespace.
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { MongoClient } from 'mongodb'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../../scripts/lib/bundle/backup-agent.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec, pathIn, writtenPath } from '../../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { backupAgentPaths, backupSecretKey } from '../../../scripts/lib/render/backup-paths.ts'
import { startTlsDatabase, type TlsDatabase } from '../../harness/tls-database.ts'
import { mongoCaKeys } from '../../../scripts/lib/render/backup-paths.ts'
import { X509Certificate } from 'node:crypto'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { freePort, waitFor } from '../../harness/ports.ts'
import { requireTool } from '../../harness/tools.ts'
import { explain, readIn, statIn, userIn } from './support.ts'

const model = readModel('.', 'staging')
const work = mkdtempSync(join(tmpdir(), 'deploy-backup-'))
let moto: Moto
let db: TlsDatabase
let fleet: Fleet
let s3: S3Client
const logs: string[] = []

async function bundle(name: string): Promise<string> {
  const gz = await packEntries(backupAgentEntries(model, { ops: readOpsSnapshot('staging'), hooks: backupHookEntries() }))
  const file = join(work, `${name}-${contentHash(gz).slice(0, 12)}.tar.gz`)
  writeFileSync(file, gz)
  return file
}

const putSecret = (body: string) => s3.send(new PutObjectCommand({ Bucket: model.env.secrets.bucket, Key: backupSecretKey(model), Body: body }))

// npm ci reads this machine's npm cache offline: the instance namespace has no route to a registry.
const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim()
const passEnv = () => ({ ...moto.env, AWS_REGION: model.env.region, npm_config_cache: npmCache, npm_config_offline: 'true' })

test.before(async () => {
  for (const t of ['nginx', 'ip', 'systemctl', 'npm']) requireTool(t)
  moto = await startMoto()
  s3 = new S3Client({ region: model.env.region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID!, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY! } })
  for (const bucket of [model.env.secrets.bucket, model.env.backup.bucket])
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: model.env.region as never } }))
  // The database group has no load balancer.
  fleet = await createFleet(join(work, 'fleet'), 1, await freePort(), undefined)
  // The instance reaches MongoDB the way it reaches S3: through a relay on its host-side address; TLS only.
  db = await startTlsDatabase(s3, model, fleet.instances[0]!)
  const client = await MongoClient.connect(db.ferret.uri, { ca: db.ca.cert })
  await client.db('drsignet').collection('patients').insertOne({ name: 'Asha', city: 'Pune' })
  await client.close()
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await db?.stop()
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

const i = () => fleet.instances[0]!
const at = (path: string) => pathIn(i(), path)

test('the backup revision installs the tool, its URI and the nightly timer, and proves it can reach both ends', async () => {
  const uri = db.uri
  await putSecret(`MONGODB_URI=${uri}\n`)
  const r = await deployRevision(fleet, await bundle('backup'), { passEnv: passEnv(), onProgress: (p) => void logs.push(`${p.event} ${p.status}`) })
  assert.ok(r.ok, explain(r))

  const current = at(backupAgentPaths.current)
  assert.ok(lstatSync(current).isSymbolicLink())
  assert.is(readlinkSync(current), `releases/${r.agentDeployments.i1}`, 'a relative link to the release named by the deployment, switched in one rename')
  assert.match(r.agentDeployments.i1!, /^d-[A-Z0-9]{9}-local$/)
  assert.ok(existsSync(join(current, 'scripts/ops.ts')))
  assert.ok(existsSync(join(current, 'node_modules/mongodb/package.json')), 'production dependencies installed')
  assert.not.ok(existsSync(join(current, 'node_modules/uvu')), 'no dev dependencies')

  const envFile = statIn(i(), backupAgentPaths.envFile)
  assert.is(envFile.mode & 0o777, 0o600)
  assert.is(userIn(i(), envFile.uid), backupAgentPaths.user)
  assert.is(readIn(i(), backupAgentPaths.envFile), `MONGODB_URI=${uri}\n`)

  assert.ok(existsSync(at('/etc/systemd/system/drsignet-backup-staging.service')))
  assert.ok(lstatSync(at('/etc/systemd/system/timers.target.wants/drsignet-backup-staging.timer')).isSymbolicLink(), 'the timer is enabled')
  assert.is(instanceExec(i(), ['systemctl', 'is-active', 'drsignet-backup-staging.timer']).stdout.trim(), 'active', 'and running')
  assert.is(instanceExec(i(), ['systemctl', 'is-active', 'drsignet-mongo-tls-staging.timer']).stdout.trim(), 'active', 'the certificate renewal runs daily')

  // TLS: the environment's CA from the secrets bucket, this host's certificate from it, mongod.conf requiring it;
  // the check below connected with the certificate verified against that CA.
  const tlsDir = backupAgentPaths.tlsDir
  assert.is(readIn(i(), `${tlsDir}/ca.pem`), db.ca.cert)
  const server = statIn(i(), `${tlsDir}/server.pem`)
  assert.is(server.uid, 0)
  assert.is(server.mode & 0o077 & ~0o040, 0, 'the key is no one else\'s to read')
  assert.ok(new X509Certificate(readIn(i(), `${tlsDir}/server.pem`)).checkIssued(new X509Certificate(db.ca.cert)))
  const conf = readIn(i(), backupAgentPaths.mongodConf)
  assert.match(conf, /^  tls:\n    mode: requireTLS\n    certificateKeyFile: \/etc\/drsignet\/mongo-tls\/server\.pem\n/m)
  assert.match(conf, /^  bindIp: 127\.0\.0\.1(,\d+\.\d+\.\d+\.\d+)*\n/m)
  assert.not.match(conf, /0\.0\.0\.0\n/)
  assert.match(conf, /^  port: 27517$/m, 'the rest of the file is kept')
  const caObject = await s3.send(new GetObjectCommand({ Bucket: model.env.secrets.bucket, Key: mongoCaKeys(model.env.secrets.prefix).cert }))
  assert.is(await caObject.Body!.transformToString(), db.ca.cert, 'the CA was read, not replaced')

  const log = readFileSync(scriptLog(r.agentDeployments.i1!), 'utf8')
  assert.match(log, /mongo-tls staging: CA read from s3:\/\/drsignet-staging-secrets\//)
  assert.match(log, /LifecycleEvent - ValidateService\n(.*\n)*.*backup staging --check: MongoDB \S+ answers: 1 databases, 1 collections to back up; s3:\/\/drsignet-staging-backups\/backups\/staging\/ lists 0 backups/)
  assert.not.ok(log.includes(uri), 'the hooks\' log shows the MongoDB URI')
  assert.not.ok(instanceExec(i(), ['journalctl', '--no-pager', '--output', 'cat']).stdout.includes(uri), 'the journal shows the MongoDB URI')
})

test('on the database instance the backup user reaches the metadata service (its S3 access), no other user does', async () => {
  instanceExec(i(), ['ip', 'addr', 'add', '169.254.169.254/32', 'dev', 'lo'])
  const started = instanceExec(i(), ['systemd-run', '--unit=fake-imds', '--', '/usr/bin/node', '-e', `require('http').createServer((q, s) => s.end('role-credentials')).listen(8169, '169.254.169.254')`])
  assert.is(started.status, 0, started.stderr)
  const ask = (user: string) => instanceExec(i(), ['runuser', '-u', user, '--', 'curl', '-sS', '--max-time', '3', 'http://169.254.169.254:8169/'])
  await waitFor('the stand-in IMDS', async () => ask('root').stdout === 'role-credentials', 10_000)
  assert.is(ask(backupAgentPaths.user).stdout, 'role-credentials')
  const other = ask('nobody')
  assert.is.not(other.status, 0, other.stdout)
  assert.match(readIn(i(), '/etc/drsignet/imds-users'), new RegExp(`^${backupAgentPaths.user}$`, 'm'))
})

test('a secret without a MongoDB URI fails BeforeInstall and leaves the running release alone', async () => {
  const before = readlinkSync(at(backupAgentPaths.current))
  const goodSecret = readIn(i(), backupAgentPaths.envFile)
  await putSecret('# the URI was forgotten\n')
  const r = await deployRevision(fleet, await bundle('backup'), { passEnv: passEnv() })
  assert.not.ok(r.ok)
  assert.is(r.failure?.event, 'BeforeInstall')
  assert.match(r.failure!.tail!, 'has no MONGODB_URI=... line')
  assert.is(r.rollback?.ok, false, 'the redeploy of the last good revision meets the same secret')
  assert.is(readlinkSync(at(backupAgentPaths.current)), before)
  assert.is(readIn(i(), backupAgentPaths.envFile), goodSecret, 'the bad secret never replaced the good one')
})

/** The agent's log of one deployment's scripts, on the instance's disk. */
const scriptLog = (deploymentId: string) => writtenPath(i(), `/opt/codedeploy-agent/deployment-root/local-staging-backup/${deploymentId}/logs/scripts.log`)

test.run()
