// Proof: the database instance's "backup" revision installs the ops tool as a release (production dependencies
// installed, `current` switched in one rename), the MongoDB URI as a 0600 file, and the nightly timer enabled
// (real systemctl, offline against the instance root); ValidateService runs `backup --check` as the timer will.
// A revision whose secret lacks the URI fails before anything changes.
// I/O: starts moto, FerretDB, nginx (the local load balancer) and TCP relays into the instance's namespace.
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { MongoClient } from 'mongodb'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../../scripts/lib/bundle/backup-agent.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import { createFleet, destroyFleet, type Fleet } from '../../../scripts/lib/deploy-local/fleet.ts'
import { relayEndpoint, type Relay } from '../../../scripts/lib/deploy-local/relay.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { backupAgentPaths, backupSecretKey } from '../../../scripts/lib/render/backup-paths.ts'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { freePort } from '../../harness/ports.ts'
import { requireTool } from '../../harness/tools.ts'
import { explain } from './support.ts'

const model = readModel('.', 'staging')
const work = mkdtempSync(join(tmpdir(), 'deploy-backup-'))
let moto: Moto
let ferret: Ferret
let fleet: Fleet
let mongoRelay: Relay
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
  ferret = await startFerret()
  s3 = new S3Client({ region: model.env.region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID!, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY! } })
  for (const bucket of [model.env.secrets.bucket, model.env.backup.bucket])
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: model.env.region as never } }))
  const client = await MongoClient.connect(ferret.uri)
  await client.db('drsignet').collection('patients').insertOne({ name: 'Asha', city: 'Pune' })
  await client.close()
  fleet = createFleet(join(work, 'fleet'), 1, await freePort(), await freePort())
  // The instance reaches MongoDB the way it reaches S3: through a relay on its host-side address.
  mongoRelay = (await relayEndpoint(ferret.uri, fleet.instances[0]!.hostIp))!
})

test.after(async () => {
  if (fleet) destroyFleet(fleet)
  await mongoRelay?.close()
  await ferret?.stop()
  await moto?.stop()
  if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
})

const root = () => fleet.instances[0]!.root
const at = (path: string) => join(root(), path)

test('the backup revision installs the tool, its URI and the nightly timer, and proves it can reach both ends', async () => {
  const uri = `${mongoRelay.url}/?serverSelectionTimeoutMS=5000`
  await putSecret(`MONGODB_URI=${uri}\n`)
  const r = await deployRevision(fleet, await bundle('backup'), { passEnv: passEnv(), onProgress: (p) => void logs.push(`${p.event} ${p.status}`) })
  assert.ok(r.ok, explain(r))

  const current = at(backupAgentPaths.current)
  assert.ok(lstatSync(current).isSymbolicLink())
  assert.is(readlinkSync(current), `releases/${r.deploymentId}`, 'a relative link, switched in one rename')
  assert.ok(existsSync(join(current, 'scripts/ops.ts')))
  assert.ok(existsSync(join(current, 'node_modules/mongodb/package.json')), 'production dependencies installed')
  assert.not.ok(existsSync(join(current, 'node_modules/uvu')), 'no dev dependencies')

  const envFile = at(backupAgentPaths.envFile)
  assert.is(statSync(envFile).mode & 0o777, 0o600)
  assert.is(readFileSync(envFile, 'utf8'), `MONGODB_URI=${uri}\n`)

  const units = at('etc/systemd/system')
  assert.ok(existsSync(join(units, 'drsignet-backup-staging.service')))
  assert.ok(lstatSync(join(units, 'timers.target.wants/drsignet-backup-staging.timer')).isSymbolicLink(), 'the timer is enabled')

  const hookLogs = logFiles(r.deploymentId)
  const validate = hookLogs.find((l) => l.name.endsWith('ValidateService.log'))!
  assert.match(validate.text, /backup staging --check: MongoDB \S+ answers: 1 databases, 1 collections to back up; s3:\/\/drsignet-staging-backups\/backups\/staging\/ lists 0 backups/)
  for (const l of hookLogs) assert.not.ok(l.text.includes(uri), `${l.name} shows the MongoDB URI`)
})

test('a secret without a MongoDB URI fails BeforeInstall and leaves the running release alone', async () => {
  const before = readlinkSync(at(backupAgentPaths.current))
  const goodSecret = readFileSync(at(backupAgentPaths.envFile), 'utf8')
  await putSecret('# the URI was forgotten\n')
  const r = await deployRevision(fleet, await bundle('backup'), { passEnv: passEnv() })
  assert.not.ok(r.ok)
  assert.is(r.failure?.event, 'BeforeInstall')
  assert.match(readFileSync(r.failure!.log!, 'utf8'), 'has no MONGODB_URI=... line')
  assert.is(r.rollback?.ok, false, 'the redeploy of the last good revision meets the same secret')
  assert.is(readlinkSync(at(backupAgentPaths.current)), before)
  assert.is(readFileSync(at(backupAgentPaths.envFile), 'utf8'), goodSecret, 'the bad secret never replaced the good one')
})

function logFiles(deploymentId: string): { name: string; text: string }[] {
  const dir = join(root(), 'opt/codedeploy-agent/deployment-root', `local-${fleet.id}`, deploymentId, 'logs')
  return spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }))
}

test.run()
