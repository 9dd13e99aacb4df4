// MongoDB over TLS end to end: `mongo-tls` makes the environment's CA once in the secrets bucket (SSE-KMS) and a
// server certificate from it; FerretDB serves that certificate on a TLS-only listener; backup, verify and restore
// connect with the certificate checked; plaintext, a wrong CA and a cleartext URI to another host are refused
// (I/O: openssl, moto, FerretDB with TLS, the CLI as child processes).
import { createBuckets } from '../../harness/moto.ts'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { mongoCaKeys } from '../../../scripts/lib/render/backup-paths.ts'
import { createCa } from '../../../scripts/lib/tls/certificates.ts'
import { startFerret, type Ferret } from '../../harness/ferretdb.ts'
import { PACKAGED_MONGOD_CONF } from '../../../scripts/lib/deploy-local/packaged-mongod-conf.ts'
import { ENV, ops, root, startWorld, type World } from './setup.ts'

const model = readModel(root, ENV)
const work = mkdtempSync(join(tmpdir(), 'mongo-tls-'))
const tlsDir = join(work, 'tls')
const conf = join(work, 'mongod.conf')
let world: World
let src: Ferret
let dst: Ferret
const tlsArgs = [
  '--dir',
  tlsDir,
  '--mongod-conf',
  conf,
  '--ip',
  '127.0.0.1',
  '--dns',
  'localhost',
  '--group',
  'no-such-group',
]

test.before(async () => {
  world = await startWorld()
  await createBuckets(world.s3, model.env.region, [model.env.secrets.bucket])
  writeFileSync(conf, PACKAGED_MONGOD_CONF)
})
test.after(async () => {
  await Promise.all([world?.moto.stop(), src?.stop(), dst?.stop()])
  rmSync(work, { recursive: true, force: true })
})

test('mongo-tls: the first host makes the CA in the secrets bucket (SSE-KMS), its certificate and a requireTLS mongod.conf', async () => {
  const r = await ops(['mongo-tls', ENV, ...tlsArgs], {})
  assert.is(r.code, 0, r.stderr)
  assert.is(
    r.stdout,
    [
      `mongo-tls ${ENV}: CA created at s3://${model.env.secrets.bucket}/${model.env.secrets.prefix}/mongo-tls/`,
      `mongo-tls ${ENV}: server certificate for localhost, 127.0.0.1 issued`,
      `mongo-tls ${ENV}: ${conf} requires TLS on 127.0.0.1 (changed)`,
      '',
    ].join('\n'),
  )
  const keys = mongoCaKeys(model.env.secrets.prefix)
  for (const key of [keys.key, keys.cert]) {
    const head = await world.s3.send(new HeadObjectCommand({ Bucket: model.env.secrets.bucket, Key: key }))
    assert.is(head.ServerSideEncryption, 'aws:kms', key)
  }
  const caCert = await (
    await world.s3.send(new GetObjectCommand({ Bucket: model.env.secrets.bucket, Key: keys.cert }))
  ).Body!.transformToString()
  assert.is(readFileSync(join(tlsDir, 'ca.pem'), 'utf8'), caCert)
  const server = new X509Certificate(readFileSync(join(tlsDir, 'server.pem')))
  assert.ok(
    server.checkIssued(new X509Certificate(caCert)) && server.checkIP('127.0.0.1') && server.checkHost('localhost'),
  )
  assert.is(statSync(join(tlsDir, 'server.pem')).mode & 0o777, 0o600, 'no mongod group here: only root reads the key')
  assert.match(readFileSync(conf, 'utf8'), /\n  bindIp: 127\.0\.0\.1\n  tls:\n    mode: requireTLS\n/)
})

test('mongo-tls again: the CA is read, the certificate kept, the file unchanged', async () => {
  const before = readFileSync(join(tlsDir, 'server.pem'), 'utf8')
  const r = await ops(['mongo-tls', ENV, ...tlsArgs], {})
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /CA read from s3:\/\/.*\n.*127\.0\.0\.1 kept\n.*\(unchanged\)\n$/)
  assert.is(readFileSync(join(tlsDir, 'server.pem'), 'utf8'), before)
})

test('backup, verify and restore run over TLS with the certificate checked against the CA', async () => {
  // mongod reads key and certificate from one file; FerretDB takes the same file for both.
  const pem = join(tlsDir, 'server.pem')
  ;[src, dst] = await Promise.all([
    startFerret({ tls: { certFile: pem, keyFile: pem } }),
    startFerret({ tls: { certFile: pem, keyFile: pem } }),
  ])
  const ca = join(tlsDir, 'ca.pem')
  const client = await MongoClient.connect(src.uri, { tlsCAFile: ca })
  await client
    .db('drsignet')
    .collection('patients')
    .insertMany([{ name: 'Asha' }, { name: 'Ravi' }])
  await client.close()
  const env = { MONGODB_URI: src.uri, MONGODB_TLS_CA_FILE: ca }
  const b = await ops(['backup', ENV], env)
  assert.is(b.code, 0, b.stderr)
  const v = await ops(['verify', ENV], env)
  assert.is(v.code, 0, v.stderr)
  const r = await ops(['restore', ENV, '--from', 'latest', '--to', dst.uri], env)
  assert.is(r.code, 0, r.stderr)
  const check = await MongoClient.connect(dst.uri, { tlsCAFile: ca })
  assert.is(await check.db('drsignet').collection('patients').countDocuments(), 2)
  await check.close()
})

test('refused: plaintext to the TLS listener, a CA that did not sign the server, cleartext to another host', async () => {
  const wrong = await createCa('someone-else')
  writeFileSync(join(work, 'wrong-ca.pem'), wrong.cert)
  const quick = (uri: string) => `${uri}${uri.includes('?') ? '&' : '?'}serverSelectionTimeoutMS=2000`
  const plain = await ops(['backup', ENV, '--check'], { MONGODB_URI: quick(src.uri.replace('?tls=true', '')) })
  assert.is(plain.code, 1)
  assert.match(plain.stderr, /^backup staging --check failed: cannot connect to MongoDB: /)
  const wrongCa = await ops(['backup', ENV, '--check'], {
    MONGODB_URI: quick(src.uri),
    MONGODB_TLS_CA_FILE: join(work, 'wrong-ca.pem'),
  })
  assert.is(wrongCa.code, 1)
  assert.match(wrongCa.stderr, /^backup staging --check failed: cannot connect to MongoDB: .*(certificate|verify)/)
  const cleartext = await ops(['backup', ENV], {
    MONGODB_URI: 'mongodb://backup:s3cret@10.0.2.15:27517/?authSource=admin',
  })
  assert.is(cleartext.code, 1)
  assert.is(
    cleartext.stderr,
    `backup ${ENV} failed: MONGODB_URI reaches 10.0.2.15:27517 without TLS: add tls=true (and tlsCAFile=, or set MONGODB_TLS_CA_FILE); no manifest was written, so this is not a backup\n`,
  )
})

test.run()
