// The environment's database as a deployed database host sees it: the CA in the secrets bucket (as the first
// `ops mongo-tls` left it), FerretDB serving only TLS with a certificate from that CA for the address the instance
// dials, a relay to it on the instance's host-side address, and MongoDB's package mongod.conf on the instance for
// `ops mongo-tls` to rewrite (I/O: openssl, S3 on moto, FerretDB, a relay; writes one file in the instance).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { Model } from '../../scripts/lib/config/model.ts'
import { mongoCaKeys } from '../../scripts/lib/render/backup-paths.ts'
import { createCa, issueServerCert, type KeyAndCert } from '../../scripts/lib/tls/certificates.ts'
import { instanceExec, type Instance } from '../../scripts/lib/deploy-local/instance.ts'
import { relayEndpoint, type Relay } from '../../scripts/lib/deploy-local/relay.ts'
import { backupAgentPaths } from '../../scripts/lib/render/backup-paths.ts'
import { startFerret, type Ferret } from './ferretdb.ts'

/** What MongoDB 7.0's package installs, after the launch template's edits (custom port, loopback, authorization). */
export const PACKAGED_MONGOD_CONF = `# mongod.conf

# for documentation of all options, see:
#   http://docs.mongodb.org/manual/reference/configuration-options/

# where to write logging data.
systemLog:
  destination: file
  logAppend: true
  path: /var/log/mongodb/mongod.log

# Where and how to store data.
storage:
  dbPath: /var/lib/mongo

# how the process runs
processManagement:
  timeZoneInfo: /usr/share/zoneinfo

# network interfaces
net:
  port: 27517
  bindIp: 127.0.0.1  # Enter 0.0.0.0,:: to bind to all IPv4 and IPv6 addresses or, alternatively, use the net.bindIpAll setting.

#security:
security:
  authorization: enabled
`

export type TlsDatabase = { ferret: Ferret; relay: Relay; uri: string; ca: KeyAndCert; stop: () => Promise<void> }

export async function startTlsDatabase(s3: S3Client, model: Model, instance: Instance): Promise<TlsDatabase> {
  const ca = await createCa(`drsignet-${model.env.name}-mongodb-ca`)
  const keys = mongoCaKeys(model.env.secrets.prefix)
  for (const [key, body] of [[keys.key, ca.key], [keys.cert, ca.cert]] as const) {
    await s3.send(new PutObjectCommand({ Bucket: model.env.secrets.bucket, Key: key, Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: model.env.secrets.kmsKey }))
  }
  const server = await issueServerCert(ca, { dns: ['localhost'], ips: [instance.hostIp, '127.0.0.1'] })
  const dir = mkdtempSync(join(tmpdir(), 'tls-database-'))
  writeFileSync(join(dir, 'server.pem'), server.cert)
  writeFileSync(join(dir, 'server.key'), server.key, { mode: 0o600 })
  const ferret = await startFerret({ tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') } })
  const relay = (await relayEndpoint(ferret.uri, instance.hostIp))!
  const written = instanceExec(instance, ['sh', '-c', `cat > ${backupAgentPaths.mongodConf}`], { input: PACKAGED_MONGOD_CONF })
  if (written.status !== 0) throw new Error(`cannot write mongod.conf in ${instance.name}: ${written.stderr}`)
  const { host } = new URL(relay.url)
  return {
    ferret, relay, ca, uri: `mongodb://${host}/?tls=true&serverSelectionTimeoutMS=5000`,
    stop: async () => {
      await relay.close()
      await ferret.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
