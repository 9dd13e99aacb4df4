// mongod on a deploy-local instance: FerretDB (MongoDB's wire protocol over SQLite), started from mongod's own
// configuration file, so what the launch template, ops mongo-tls and ops database-up write there acts on it as on
// mongod. It reads net.port, net.bindIp, net.tls (mode and certificateKeyFile), storage.dbPath and
// security.authorization. Two things FerretDB v1 does differently, both said where they matter:
// - it listens on one address: several in bindIp (loopback and the private ones) become all of the instance's own;
// - it has no localhost exception: with authorization on it makes its setup user at the first start, from
//   MONGODB_ADMIN_USER and MONGODB_ADMIN_PASSWORD (the unit's EnvironmentFile, which database-up writes).
// usage: node mongod.cjs /etc/mongod.conf (FERRETDB_BIN names the binary; NODE_PATH the node_modules holding yaml)
'use strict'
const { spawn } = require('node:child_process')
const { readFileSync } = require('node:fs')
const { parse } = require('yaml')

const fail = (msg) => {
  process.stderr.write(`mongod (FerretDB stand-in): ${msg}\n`)
  process.exit(1)
}
const file = process.argv[2] ?? fail('usage: mongod.cjs CONFIG')
const bin = process.env.FERRETDB_BIN || fail('FERRETDB_BIN is not set')
const conf = parse(readFileSync(file, 'utf8')) ?? {}
const port = conf.net?.port ?? 27017
const ips = String(conf.net?.bindIp ?? '127.0.0.1')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
const host = ips.length === 1 ? ips[0] : '0.0.0.0'
const dbPath = conf.storage?.dbPath ?? '/var/lib/mongo'

const args = [
  '--handler=sqlite',
  `--sqlite-url=file:${dbPath}/`,
  `--state-dir=${dbPath}`,
  '--telemetry=disable',
  '--log-level=warn',
]
const tls = conf.net?.tls
if (tls?.mode === 'requireTLS') {
  const pem = tls.certificateKeyFile ?? fail('net.tls.mode requireTLS without net.tls.certificateKeyFile')
  // One PEM file holds key and certificate, as mongod reads it; Go's loader takes each part from it.
  args.push(
    '--listen-addr=',
    `--listen-tls=${host}:${port}`,
    `--listen-tls-cert-file=${pem}`,
    `--listen-tls-key-file=${pem}`,
  )
} else if (tls?.mode && tls.mode !== 'disabled') {
  fail(`net.tls.mode ${tls.mode}: FerretDB serves TLS or cleartext on a port, not both`)
} else {
  args.push(`--listen-addr=${host}:${port}`)
}
if (conf.security?.authorization === 'enabled') {
  args.push('--test-enable-new-auth')
  const { MONGODB_ADMIN_USER: user, MONGODB_ADMIN_PASSWORD: password } = process.env
  if (user && password) args.push('--setup-database=admin', `--setup-username=${user}`, `--setup-password=${password}`)
}
const child = spawn(bin, args, { stdio: 'inherit' })
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
