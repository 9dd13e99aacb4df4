// database-up ENV: on the database instance (root, from the backup revision's AfterInstall, which CodeDeploy runs on
// every instance the database's Auto Scaling group launches), bring MongoDB up with no hand on the keyboard: take the
// fixed address and the data volume, mount it, give mongod its TLS, start it, restore the newest good backup when the
// volume is new, and make every user with the password the secrets bucket keeps. Idempotent: a later deployment finds
// everything in place and only repairs the users.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EC2Client } from '@aws-sdk/client-ec2'
import type { MongoClient } from 'mongodb'
import { $ } from '../lib/shell.ts'
import { parseCommand } from '../lib/cli/args.ts'
import { InputError } from '../lib/cli/errors.ts'
import { readModel } from '../lib/config/read.ts'
import type { Model } from '../lib/config/model.ts'
import { backupS3Client, s3BackupStore } from '../lib/aws/backup-store.ts'
import { connectMongo, stderrProgress } from './wiring/backup.ts'
import { fetchArchive } from '../lib/backup/fetch-archive.ts'
import { openArchiveFile } from '../lib/backup/archive-io.ts'
import { envPrefix, manifestExpectations } from '../lib/backup/manifest.ts'
import { restoreArchive } from '../lib/backup/run-restore.ts'
import { mongoTarget } from '../lib/mongo/sink.ts'
import { redactError } from '../lib/mongo/redact.ts'
import { attachAddress, attachVolume, volumeDevice, waitUntil, type Waits } from '../lib/database/attach.ts'
import { secretsStore } from '../lib/database/credentials.ts'
import {
  dbPathOf,
  filesystemOn,
  hasAddress,
  instanceIdentity,
  isEmptyDataDir,
  isMountPoint,
  mountUnit,
  READY_MARKER,
  writeAtomically,
} from '../lib/database/host.ts'
import { dataDatabases, ensureUsers, serverHasRoles } from '../lib/database/user-admin.ts'
import {
  ADMIN_USER,
  clientEnvFile,
  clientEnvKey,
  connectionString,
  databaseUsers,
  passwordKey,
} from '../lib/database/users.ts'
import { backupAgentPaths } from '../lib/render/backup-paths.ts'
import { run as mongoTls } from './mongo-tls.ts'

export const summary =
  'on the database instance: its address and data volume, mongod with TLS, a restore when the volume is new, and its users'
const usage = 'database-up ENV [--root DIR] [--mongod-conf FILE] [--attach-timeout SECONDS] [--start-timeout SECONDS]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { 'mongod-conf': { type: 'string' }, 'attach-timeout': { type: 'string' }, 'start-timeout': { type: 'string' } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const env = positionals[0]!
  const root = (values.root as string | undefined) ?? '.'
  const confPath = (values['mongod-conf'] as string | undefined) ?? backupAgentPaths.mongodConf
  if (!existsSync(confPath))
    throw new InputError(`${confPath}: no such file; install MongoDB first (the launch template's boot script does)`)
  const seconds = (flag: string, fallback: number) => {
    const raw = (values[flag] as string | undefined) ?? String(fallback)
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new InputError(`--${flag} must be a whole number of seconds, not '${raw}'`)
    return n
  }
  // Both inside the hook's own timeout (backup-agent.ts): EC2 frees a dead instance's volume within minutes, and
  // mongod's crash recovery on a kept volume takes as long as its journal needs.
  const attachTimeout = seconds('attach-timeout', 600)
  const startTimeout = seconds('start-timeout', 600)

  const model = readModel(root, env)
  const started = Date.now()
  const say = (line: string) =>
    console.log(`database-up ${env}: [${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`)
  const dbPath = dbPathOf(readFileSync(confPath, 'utf8'))

  // 1. The address and the volume: already here on every deployment but a new instance's first.
  await takeAddressAndVolume(model, dbPath, { timeoutMs: attachTimeout * 1000, pollMs: 2000, say }, say)
  // Ready: a run of this command finished on this volume (restored or started empty, users made). Until then mongod
  // listens on loopback only, and a restore that an earlier attempt left half done is done again from scratch.
  const marker = join(dbPath, READY_MARKER)
  const ready = existsSync(marker)
  const untouched = isEmptyDataDir(dbPath)

  // 2. Passwords: the bucket's, made there by the first host. The admin's is kept on this host for mongod (root's).
  const secrets = secretsStore(backupS3Client(model.env.region), {
    bucket: model.env.secrets.bucket,
    kmsKey: model.env.secrets.kmsKey,
  })
  const users = await Promise.all(
    databaseUsers(model).map(async (u) => ({ ...u, ...(await secrets.password(passwordKey(model, u.name))) })),
  )
  const made = users.filter((u) => u.created).map((u) => u.name)
  say(
    `passwords of ${users.length} users from s3://${model.env.secrets.bucket}/${model.env.secrets.prefix}/database/users/${made.length ? ` (made now: ${made.join(', ')})` : ''}`,
  )
  const admin = users.find((u) => u.name === ADMIN_USER)!
  writeAtomically(
    backupAgentPaths.adminEnvFile,
    `MONGODB_ADMIN_USER=${ADMIN_USER}\nMONGODB_ADMIN_PASSWORD=${admin.password}\n`,
    0o600,
  )

  // 3. TLS and mongod. A new volume is restored before mongod listens anywhere but loopback: no app sees half a database.
  const tlsArgs = [env, '--root', root, '--mongod-conf', confPath, '--restart']
  if ((await mongoTls(ready ? tlsArgs : [...tlsArgs, '--ip', '127.0.0.1'])) !== 0) throw new Error('mongo-tls failed')
  await $({ quiet: true })`systemctl enable --now mongod.service`
  const ca = join(backupAgentPaths.tlsDir, 'ca.pem')
  const client = await connectAsAdmin(model, admin.password, ca, startTimeout * 1000, say)
  try {
    const { roles, server } = await serverHasRoles(client)
    if (!ready) await restoreNewest(model, client, untouched, say)
    else say(`data volume holds ${(await dataDatabases(client)).join(', ') || 'no databases yet'}: nothing to restore`)

    // 4. Users: made, or set again to the bucket's password and the YAML's roles (a restored or older server).
    if (!roles) say(`warning: ${server} has no roles; every user it knows may read and write every database`)
    const changes = await ensureUsers(client, users, roles)
    say(`users: ${changes.map((c) => `${c.name} ${c.action}`).join(', ')} (${server})`)
  } finally {
    await client.close().catch(() => {})
  }
  if (!ready) {
    writeAtomically(marker, `${JSON.stringify({ readyAt: new Date().toISOString(), by: 'ops database-up' })}\n`, 0o644)
    if ((await mongoTls(tlsArgs)) !== 0) throw new Error('mongo-tls failed')
    say(`mongod now listens on its private addresses too, ${model.env.database.address} among them`)
  }

  // 5. Who connects: the backup tool on this host (loopback), the client apps at the fixed address (their BeforeInstall).
  const backup = users.find((u) => u.name === 'backup')!
  const id = async (flag: string) => Number((await $`id ${flag} ${backupAgentPaths.user}`).stdout.trim())
  writeAtomically(
    backupAgentPaths.envFile,
    `MONGODB_URI=${connectionString(model, backup.name, backup.password, { host: '127.0.0.1' })}\n`,
    0o600,
    await id('-g'),
    await id('-u'),
  )
  for (const app of Object.keys(model.env.database.clients).sort()) {
    const u = users.find((x) => x.name === app)!
    const wrote = await secrets.write(clientEnvKey(model, app), clientEnvFile(model, app, u.password))
    say(`${app}: s3://${model.env.secrets.bucket}/${clientEnvKey(model, app)} ${wrote ? 'written' : 'unchanged'}`)
  }
  say(`up: MongoDB at ${model.env.database.address}:${model.env.network.mongoPort}`)
  return 0
}

async function takeAddressAndVolume(model: Model, dbPath: string, waits: Waits, say: (line: string) => void) {
  const { address } = model.env.database
  const addressHere = hasAddress(address)
  const mounted = isMountPoint(dbPath)
  if (addressHere && mounted) return say(`address ${address} and data volume at ${dbPath} already here`)
  const self = await instanceIdentity()
  const ec2 = new EC2Client({ region: model.env.region })
  if (!addressHere) {
    const r = await attachAddress(ec2, model.env.name, self, waits)
    say(`address ${address} ${r} to ${self.instanceId}`)
    await waitUntil(
      { ...waits, timeoutMs: 120_000, pollMs: 1000 },
      `${address} on an interface`,
      async () => hasAddress(address) || undefined,
      () => `${address} was attached but never appeared on an interface (amazon-ec2-net-utils configures it)`,
    )
  }
  if (!mounted) {
    // Never over data: a host whose mongod wrote to its root volume (before this volume existed) would have that
    // data hidden under the mount and a restore of last night served instead.
    if (!isEmptyDataDir(dbPath))
      throw new Error(
        `${dbPath} on the root volume already holds data; move it onto the data volume first (docs/disaster-recovery.md, "moving onto the data volume")`,
      )
    if ((await $({ quiet: true, nothrow: true })`systemctl is-active --quiet mongod.service`).exitCode === 0)
      throw new Error(
        `mongod is running on the root volume; stop it and move its data first (docs/disaster-recovery.md, "moving onto the data volume")`,
      )
    const { volumeId, action } = await attachVolume(ec2, model.env.name, self, waits)
    say(`data volume ${volumeId} ${action} to ${self.instanceId}`)
    const device = volumeDevice(volumeId)
    await waitUntil(
      { ...waits, timeoutMs: 120_000, pollMs: 500 },
      device,
      async () => existsSync(device) || undefined,
      () => `${device} did not appear within 120 s`,
    )
    const uuid = await filesystemOn(device, say)
    const unit = await mountUnit(uuid, dbPath)
    // mongod runs as the package's user, whose uid another instance's package may have given another number: the
    // files a dead instance's mongod wrote become this one's (once per attach, not per deployment).
    await $({ quiet: true })`chown -R mongod:mongod ${dbPath}`
    say(`data volume mounted at ${dbPath} (${unit})`)
  }
}

/** As the admin; on a server with no users yet, through MongoDB's localhost exception, which makes the admin first. */
async function connectAsAdmin(
  model: Model,
  password: string,
  caFile: string,
  timeoutMs: number,
  say: (line: string) => void,
): Promise<MongoClient> {
  const uri = connectionString(model, ADMIN_USER, password, { host: '127.0.0.1' })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await connectMongo(uri, caFile)
    } catch (e) {
      const text = String((e as Error).message)
      if (/Authentication failed|UserNotFound/i.test(text)) {
        const bare = `mongodb://127.0.0.1:${model.env.network.mongoPort}/?tls=true`
        const first = await connectMongo(bare, caFile)
        try {
          await first
            .db('admin')
            .command({ createUser: ADMIN_USER, pwd: password, roles: [{ role: 'root', db: 'admin' }] })
        } catch (c) {
          throw new Error(
            `the admin's password in the secrets bucket does not open this database, and it already has users (${redactError(c)}); see docs/disaster-recovery.md, "admin password"`,
          )
        } finally {
          await first.close().catch(() => {})
        }
        say('admin user made through the localhost exception (a server with no users)')
        continue
      }
      if (Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

/**
 * A volume not ready yet gets the newest good backup (checksum and manifest proven, as restore does), over whatever an
 * earlier attempt left (--drop); no backup at all is a new environment, which starts with what it has.
 */
async function restoreNewest(model: Model, client: MongoClient, untouched: boolean, say: (line: string) => void) {
  const { backup } = model.env
  const store = s3BackupStore(backupS3Client(model.env.region), backup.bucket, backup.kmsKey)
  const prefix = envPrefix(backup, model.env.name)
  if (!(await store.list(prefix)).length)
    return say(
      `new data volume and no backup under s3://${backup.bucket}/${prefix}: a new environment, starting ${untouched ? 'empty' : 'with what an earlier attempt left'}`,
    )
  const t0 = Date.now()
  const fetched = await fetchArchive(store, prefix, 'latest', {}, stderrProgress)
  try {
    const expected = fetched.manifest && manifestExpectations(fetched.manifest)
    if (!untouched) say('an earlier attempt did not finish on this volume: restoring again over what it left (--drop)')
    const report = await restoreArchive(
      openArchiveFile(fetched.file),
      mongoTarget(client),
      { expected, drop: !untouched },
      stderrProgress,
    )
    if (report.mismatches.length)
      throw new Error(`the restore of ${fetched.source} does not match its manifest: ${report.mismatches.join('; ')}`)
    say(
      `new data volume: restored ${fetched.source} (${report.documents} documents in ${report.namespaces.length} collections, proven) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    )
  } finally {
    fetched.cleanup()
  }
}
