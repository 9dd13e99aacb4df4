// Losing the database server, end to end on deploy-local: the database instance (FerretDB as mongod, on a data
// volume, at the environment's fixed address) brought up by the real backup revision under the real CodeDeploy agent;
// a client app writing through a load balancer (nginx) with the connection string ops database-up wrote for it; then
// a power cut, the instance terminated, and a replacement launched as the Auto Scaling group would, with the kept
// volume or a new empty one, given the last good revision as CodeDeploy's lifecycle hook would. Measured: the time
// from the kill to the first acknowledged write (RTO), acknowledged writes missing afterwards (RPO), requests failed
// in between. Shared by tests/integration/recovery/*.test.ts and bench/recovery/run.ts.
// I/O: moto, nginx, an HTTP server, booted instances (systemd, FerretDB), the host's routing table; all stopped by stop().
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { MongoClient } from 'mongodb'
import { readModel } from '../../../scripts/lib/config/read.ts'
import type { Model } from '../../../scripts/lib/config/model.ts'
import { backupAgentEntries, backupHookEntries, readOpsSnapshot } from '../../../scripts/lib/bundle/backup-agent.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import {
  createFleet,
  destroyFleet,
  launchInstance,
  terminateInstance,
  type Fleet,
} from '../../../scripts/lib/deploy-local/fleet.ts'
import { execArgv, instanceExec, killInstance, type Instance } from '../../../scripts/lib/deploy-local/instance.ts'
import { withInstanceRole } from '../../../scripts/lib/deploy-local/lifecycle.ts'
import { deployRevision } from '../../../scripts/lib/deploy-local/runner.ts'
import { clientEnvKey } from '../../../scripts/lib/database/users.ts'
import { backupAgentPaths, backupUnit, mongoCaKeys } from '../../../scripts/lib/render/backup-paths.ts'
import { configWithAddress } from '../../harness/database-address.ts'
import { installDatabase, newVolume, withVolume } from '../../../scripts/lib/deploy-local/database-instance.ts'
import { startMoto, type Moto, motoS3, createBuckets } from '../../harness/moto.ts'
import { freePort, waitFor } from '../../harness/ports.ts'
import { supervise, type Supervised } from '../../harness/process.ts'
import { explain, instanceRoleEnv } from '../deploy/support.ts'

export const APP = 'patient-api'
const WRITERS = 2

export type Write = { seq: number; sentAt: number; at: number; ok: boolean; error?: string }
export type Outcome = {
  path: 'volume kept' | 'volume lost'
  rtoSeconds: number // kill -> first acknowledged write after it
  bootToUpSeconds: number // replacement launched -> its deployment done (database-up inside)
  acknowledged: number
  lostAcknowledged: number[] // acknowledged writes the database no longer holds
  lostBeforeBackup: number[] // of those, acknowledged before the backup the replacement restored began
  failedBetween: number
  backupAgeSeconds?: number // the restored backup's age at the kill: the most the path may lose
  log: string[]
}

/** A notes API: POST /notes/N stores {seq: N} and answers 201 once MongoDB acknowledged it (w: majority, j: true). */
async function startApp(uri: string, ca: string): Promise<{ port: number; stop: () => Promise<void> }> {
  // As a production app would set them: an outage fails a request in seconds, not after the driver's 30 s default.
  const client = new MongoClient(uri, {
    ca,
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
    socketTimeoutMS: 5000,
  })
  const notes = client.db('drsignet').collection<{ seq: number }>('notes')
  const server = createServer((req, res) => {
    const seq = Number(req.url?.match(/^\/notes\/(\d+)$/)?.[1])
    if (req.method !== 'POST' || !Number.isInteger(seq)) return res.writeHead(404).end()
    notes.insertOne({ seq }, { writeConcern: { w: 'majority', j: true } }).then(
      () => res.writeHead(201).end('stored'),
      (e: Error) => res.writeHead(503).end(e.message.slice(0, 200)),
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await new Promise((r) => server.close(r))
      await client.close().catch(() => {})
    },
  }
}

/** The load balancer: nginx on loopback in front of the app, no retry to another target (as an ALB target group). */
async function startLb(dir: string, appPort: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort()
  mkdirSync(join(dir, 'lb/tmp'), { recursive: true })
  const conf = join(dir, 'lb/nginx.conf')
  writeFileSync(
    conf,
    `worker_processes 1;\npid ${dir}/lb/nginx.pid;\nerror_log ${dir}/lb/error.log;\ndaemon off;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/lb/tmp;\n  proxy_temp_path ${dir}/lb/tmp;\n  server {\n    listen 127.0.0.1:${port};\n    location / { proxy_pass http://127.0.0.1:${appPort}; proxy_next_upstream off; proxy_read_timeout 15s; }\n  }\n}\n`,
  )
  const child = spawn('nginx', ['-c', conf], { stdio: 'ignore' })
  const service: Supervised = await supervise(
    child,
    `load balancer on ${port}`,
    async () => (await post(port, 0)).status !== 0,
  )
  return { port, stop: service.stop }
}

function post(port: number, seq: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/notes/${seq}`, agent: false, timeout: 15_000 },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (e) => resolve({ status: 0, body: e.message }))
    req.end()
  })
}

/** WRITERS loops posting increasing sequence numbers until stop(). */
function startWriters(port: number) {
  const writes: Write[] = []
  let next = 1
  let stopped = false
  const loops = Array.from({ length: WRITERS }, async () => {
    while (!stopped) {
      const seq = next++
      const sentAt = Date.now()
      const r = await post(port, seq)
      writes.push({
        seq,
        sentAt,
        at: Date.now(),
        ok: r.status === 201,
        error: r.status === 201 ? undefined : `${r.status} ${r.body}`,
      })
      if (r.status !== 201) await new Promise((res) => setTimeout(res, 100))
    }
  })
  return {
    writes,
    stop: async () => {
      stopped = true
      await Promise.all(loops)
    },
  }
}

export type Stand = {
  model: Model
  moto: Moto
  fleet: Fleet
  work: string
  bundle: string
  passEnv: () => Record<string, string>
  say: (line: string) => void
  log: string[]
  stop: () => Promise<void>
}

/** moto, the database group's fleet with one instance on volume data-1 at `address`, and the backup revision deployed to it. */
export async function standUp(address: string, env = 'staging'): Promise<Stand> {
  const work = mkdtempSync(join(tmpdir(), 'recovery-'))
  const config = configWithAddress(work, env, address)
  const model = readModel(config, env)
  const log: string[] = []
  const say = (line: string) => void log.push(`${new Date().toISOString().slice(11, 23)} ${line}`)
  const moto = await startMoto()
  const s3 = s3Of(moto, model)
  await createBuckets(s3, model.env.region, [model.env.secrets.bucket, model.env.backup.bucket])
  const gz = await packEntries(
    backupAgentEntries(model, { ops: readOpsSnapshot(env, config), hooks: backupHookEntries() }),
  )
  const bundle = join(work, `backup-${contentHash(gz).slice(0, 12)}.tar.gz`)
  writeFileSync(bundle, gz)
  const passEnv = () => instanceRoleEnv(moto, model.env.region)
  const fleet = await createFleet(join(work, 'fleet'), 0, [])
  const stand: Stand = {
    model,
    moto,
    fleet,
    work,
    bundle,
    passEnv,
    say,
    log,
    stop: async () => {
      destroyFleet(fleet)
      await moto.stop()
      if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true })
    },
  }
  try {
    await launchDatabase(stand, newVolume(work, 'data-1'))
  } catch (e) {
    await stand.stop()
    throw e
  }
  return stand
}

export const s3Of = (moto: Moto, model: Model) => motoS3(moto, model.env.region)

/** What the Auto Scaling group and CodeDeploy's lifecycle hook do for a new database instance. */
export async function launchDatabase(s: Stand, volume: string): Promise<Instance> {
  const i = await launchInstance(s.fleet, withVolume(volume))
  installDatabase(i, s.model)
  s.say(`${i.name} launched and booted; deploying the last good backup revision`)
  const r = await deployRevision(s.fleet, s.bundle, { passEnv: s.passEnv() })
  if (!r.ok) throw new Error(`the backup revision failed on ${i.name}: ${explain(r)}`)
  s.say(`${i.name}: deployment done (database-up inside)`)
  return i
}

/** The client app's connection string and the CA, as its BeforeInstall installs them from the secrets bucket. */
async function clientSecrets(s: Stand) {
  const s3 = s3Of(s.moto, s.model)
  const get = async (key: string) =>
    await (
      await s3.send(new GetObjectCommand({ Bucket: s.model.env.secrets.bucket, Key: key }))
    ).Body!.transformToString()
  const env = await get(clientEnvKey(s.model, APP))
  return { uri: env.match(/^MONGODB_URI=(.*)$/m)![1]!, ca: await get(mongoCaKeys(s.model.env.secrets.prefix).cert) }
}

/** The nightly backup, run now by its own unit on the database instance, with the instance role's stand-ins. */
async function backupNow(s: Stand, i: Instance) {
  // Not spawnSync: the relay runs in this process and must go on forwarding while the backup uploads.
  const [cmd, ...args] = execArgv(i, ['systemctl', 'start', `${backupUnit(s.model)}.service`])
  const status = await withInstanceRole(
    i,
    s.passEnv(),
    () => new Promise<number | null>((resolve) => spawn(cmd!, args, { stdio: 'ignore' }).on('exit', resolve)),
  )
  // The unit appends its output to the backup log (the CloudWatch agent ships it), not to the journal.
  if (status !== 0)
    throw new Error(`the backup failed:\n${instanceExec(i, ['tail', '-n', '30', backupAgentPaths.log]).stdout}`)
}

/**
 * The whole story: writes through the load balancer, (for a lost volume: the nightly backup, then more writes),
 * the power cut, the replacement, writes again; then what the database holds against what was acknowledged.
 */
export async function loseTheServer(s: Stand, path: Outcome['path']): Promise<Outcome> {
  const { uri, ca } = await clientSecrets(s)
  const app = await startApp(uri, ca)
  const lb = await startLb(s.work, app.port)
  const writers = startWriters(lb.port)
  try {
    const acked = () => writers.writes.filter((w) => w.ok).length
    await waitFor('writes through the load balancer', async () => acked() >= 20, 30_000)
    let backupStarted: number | undefined
    const old = s.fleet.instances[0]!
    if (path === 'volume lost') {
      backupStarted = Date.now()
      await backupNow(s, old)
      s.say(`nightly backup done in ${((Date.now() - backupStarted) / 1000).toFixed(1)} s; writing on`)
      const after = acked()
      await waitFor('writes after the backup', async () => acked() >= after + 20, 30_000)
    }
    const killedAt = Date.now()
    const died = killInstance(old)
    await terminateInstance(s.fleet, old)
    s.say(`power cut: ${old.name} and its ${died} processes gone; the group launches a replacement`)
    const launched = Date.now()
    await launchDatabase(s, path === 'volume kept' ? join(s.work, 'volumes/data-1') : newVolume(s.work, 'data-2'))
    const upAt = Date.now()
    await waitFor(
      'an acknowledged write after the kill',
      async () => writers.writes.some((w) => w.ok && w.sentAt > killedAt),
      60_000,
    )
    const firstOk = Math.min(...writers.writes.filter((w) => w.ok && w.sentAt > killedAt).map((w) => w.at))
    const more = acked()
    await waitFor('writes after the recovery', async () => acked() >= more + 20, 30_000)
    await writers.stop()

    const held = await storedSeqs(uri, ca)
    const ackedWrites = writers.writes.filter((w) => w.ok)
    const lost = ackedWrites.filter((w) => !held.has(w.seq))
    return {
      path,
      rtoSeconds: (firstOk - killedAt) / 1000,
      bootToUpSeconds: (upAt - launched) / 1000,
      acknowledged: ackedWrites.length,
      lostAcknowledged: lost.map((w) => w.seq),
      lostBeforeBackup: backupStarted === undefined ? [] : lost.filter((w) => w.at < backupStarted!).map((w) => w.seq),
      failedBetween: writers.writes.filter((w) => !w.ok && w.sentAt >= killedAt && w.at <= firstOk).length,
      backupAgeSeconds: backupStarted === undefined ? undefined : (killedAt - backupStarted) / 1000,
      log: s.log,
    }
  } finally {
    await writers.stop()
    await lb.stop()
    await app.stop()
  }
}

async function storedSeqs(uri: string, ca: string): Promise<Set<number>> {
  const client = await MongoClient.connect(uri, { ca, serverSelectionTimeoutMS: 10_000 })
  try {
    const docs = await client
      .db('drsignet')
      .collection<{ seq: number }>('notes')
      .find({}, { projection: { _id: 0, seq: 1 } })
      .toArray()
    return new Set(docs.map((d) => d.seq))
  } finally {
    await client.close()
  }
}
