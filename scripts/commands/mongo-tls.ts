// mongo-tls ENV: on a database host (root, from the backup revision's AfterInstall and a daily timer that renews the
// certificate), the environment's CA from the secrets bucket (created there once, SSE-KMS), this host's certificate,
// and mongod.conf with TLS required (or preferred while an environment moves over); --restart restarts mongod
// when either changed.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { InputError } from '../lib/cli/errors.ts'
import { readModel } from '../lib/config/read.ts'
import { backupS3Client } from '../lib/aws/backup-store.ts'
import { loadOrCreateCa } from '../lib/tls/ca-store.ts'
import { certFits, createCa, hostNames, issueServerCert, type HostNames } from '../lib/tls/certificates.ts'
import { withTls } from '../lib/tls/mongod-conf.ts'
import { $ } from '../lib/shell.ts'
import { writeAtomically } from '../lib/database/host.ts'
import { databaseCaName } from '../lib/names.ts'
import { backupAgentPaths } from '../lib/render/backup-paths.ts'

export const summary =
  "on a database host: the environment's CA, this host's certificate, and mongod.conf requiring TLS"
const usage =
  'mongo-tls ENV [--root DIR] [--dir DIR] [--mongod-conf FILE] [--group NAME] [--ip IP]... [--dns NAME]... [--restart]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      dir: { type: 'string' },
      'mongod-conf': { type: 'string' },
      group: { type: 'string' },
      ip: { type: 'string', multiple: true },
      dns: { type: 'string', multiple: true },
      restart: { type: 'boolean' },
    },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const env = positionals[0]!
  const dir = (values.dir as string | undefined) ?? backupAgentPaths.tlsDir
  const confPath = (values['mongod-conf'] as string | undefined) ?? backupAgentPaths.mongodConf
  const group = (values.group as string | undefined) ?? 'mongod'
  if (!existsSync(confPath))
    throw new InputError(`${confPath}: no such file; install MongoDB first (the launch template's boot script does)`)

  const model = readModel((values.root as string | undefined) ?? '.', env)
  const mode = (model.env.network.mongoTls ?? 'require') === 'require' ? 'requireTLS' : 'preferTLS'
  const local = hostNames()
  // Loopback always (the backup tool dials it), and first: mongod binds in this order.
  const ips = (values.ip as string[] | undefined) ?? local.ips
  const names: HostNames = {
    dns: (values.dns as string[] | undefined) ?? local.dns,
    ips: ['127.0.0.1', ...ips.filter((ip) => ip !== '127.0.0.1')],
  }

  const { secrets } = model.env
  const at = { bucket: secrets.bucket, prefix: secrets.prefix, kmsKey: secrets.kmsKey }
  const { ca, created } = await loadOrCreateCa(backupS3Client(model.env.region), at, () =>
    createCa(databaseCaName(env)),
  )
  console.log(`mongo-tls ${env}: CA ${created ? 'created at' : 'read from'} s3://${at.bucket}/${at.prefix}/mongo-tls/`)

  mkdirSync(dir, { recursive: true, mode: 0o755 })
  const serverFile = join(dir, 'server.pem')
  const current = existsSync(serverFile) ? readFileSync(serverFile, 'utf8') : ''
  const keep = current !== '' && safeFits(current, ca.cert, names)
  if (!keep) {
    const server = await issueServerCert(ca, names)
    // mongod reads key and certificate from one file; its group may read it, nobody else.
    const gid = await groupId(group)
    writeAtomically(serverFile, server.key + server.cert, gid === undefined ? 0o600 : 0o640, gid)
  }
  writeAtomically(join(dir, 'ca.pem'), ca.cert, 0o644)
  console.log(
    `mongo-tls ${env}: server certificate for ${[...names.dns, ...names.ips].join(', ')} ${keep ? 'kept' : 'issued'}`,
  )

  const conf = readFileSync(confPath, 'utf8')
  let next: string
  try {
    next = withTls(conf, { mode, bindIps: names.ips, certificateKeyFile: serverFile, caFile: join(dir, 'ca.pem') })
  } catch (e) {
    throw new InputError(`${confPath}: ${(e as Error).message}; fix the file and deploy again`)
  }
  if (next !== conf) writeAtomically(confPath, next, 0o644)
  console.log(
    `mongo-tls ${env}: ${confPath} ${mode === 'requireTLS' ? 'requires' : 'prefers'} TLS on ${names.ips.join(',')} (${next === conf ? 'unchanged' : 'changed'})`,
  )

  // mongod reads both files at start only. A host without its unit (MongoDB elsewhere) has nothing to restart.
  if (values.restart && (next !== conf || !keep)) {
    if ((await $({ nothrow: true, quiet: true })`systemctl cat mongod.service`).exitCode !== 0) {
      console.log(`mongo-tls ${env}: no mongod.service here; nothing restarted`)
    } else {
      const r = await $({ nothrow: true, quiet: true })`systemctl restart mongod.service`
      if (r.exitCode !== 0)
        throw new InputError(
          `mongod did not restart with the new TLS settings: ${r.stderr.trim().split('\n').pop() ?? ''} (journalctl -u mongod)`,
        )
      console.log(`mongo-tls ${env}: mongod restarted`)
    }
  }
  return 0
}

function safeFits(pem: string, caCert: string, names: HostNames): boolean {
  try {
    return certFits(pem, caCert, names, new Date())
  } catch {
    // Unreadable or foreign: issue a new one rather than keep what cannot be checked.
    return false
  }
}

/** The group's id, or none when the host has no such group (mongod not installed yet): then only root reads. */
async function groupId(name: string): Promise<number | undefined> {
  const entry = await $({ nothrow: true, quiet: true })`getent group ${name}`
  return entry.ok ? Number(entry.stdout.split(':')[2]) : undefined
}
