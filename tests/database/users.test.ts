// Who may use MongoDB and how they connect, from the YAML; where mongod keeps its data (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import {
  clientEnvFile,
  clientEnvKey,
  connectionString,
  databaseUsers,
  passwordKey,
} from '../../scripts/lib/database/users.ts'
import { dbPathOf } from '../../scripts/lib/database/host.ts'
import { privateSubnet, unusableAddress } from '../../scripts/lib/config/subnets.ts'
import { PACKAGED_MONGOD_CONF } from '../../scripts/lib/deploy-local/packaged-mongod-conf.ts'

const model = readModel('.', 'staging')

test('users: the admin, the backup tool, and one per client app with readWrite on its own database only', () => {
  assert.equal(
    databaseUsers(model).map((u) => [u.name, u.roles.map((r) => `${r.role}@${r.db}`).join(' ')]),
    [
      ['admin', 'root@admin'],
      ['backup', 'backup@admin readWriteAnyDatabase@admin'],
      ['doctor-api', 'readWrite@drsignet'],
      ['patient-api', 'readWrite@drsignet'],
    ],
  )
  assert.is(passwordKey(model, 'patient-api'), 'secrets/staging/database/users/patient-api')
  assert.is(clientEnvKey(model, 'patient-api'), 'secrets/staging/database/clients/patient-api.env')
})

test('connection strings: the fixed address, TLS, SCRAM against admin, credentials percent-encoded', () => {
  assert.is(
    connectionString(model, 'patient-api', 'p@ss:/w?rd', { db: 'drsignet' }),
    'mongodb://patient-api:p%40ss%3A%2Fw%3Frd@10.30.128.10:27517/drsignet?authSource=admin&tls=true',
  )
  assert.is(
    connectionString(model, 'backup', 'x', { host: '127.0.0.1' }),
    'mongodb://backup:x@127.0.0.1:27517/?authSource=admin&tls=true',
  )
  assert.match(
    clientEnvFile(model, 'doctor-api', 'pw'),
    /^MONGODB_URI=mongodb:\/\/doctor-api:pw@10\.30\.128\.10:27517\/drsignet\?authSource=admin&tls=true\nMONGODB_DATABASE=drsignet\n$/m,
  )
})

test("mongod's dbPath from its file, the package's default otherwise", () => {
  assert.is(dbPathOf(PACKAGED_MONGOD_CONF), '/var/lib/mongo')
  assert.is(dbPathOf('storage:\n  dbPath: "/data/db"  # moved\n'), '/data/db')
  assert.is(dbPathOf('net:\n  port: 1\n'), '/var/lib/mongo')
})

test("fixed addresses: inside the zone's private subnet, never one AWS keeps", () => {
  assert.is(privateSubnet('10.30.0.0/16', 'a'), '10.30.128.0/18')
  assert.is(privateSubnet('10.30.0.0/16', 'b'), '10.30.192.0/18')
  assert.is(unusableAddress('10.30.128.10', '10.30.128.0/18'), undefined)
  assert.is(unusableAddress('10.30.128.4', '10.30.128.0/18'), undefined)
  assert.match(unusableAddress('10.30.128.3', '10.30.128.0/18')!, 'four addresses AWS keeps')
  assert.match(unusableAddress('10.30.191.255', '10.30.128.0/18')!, 'last address')
  assert.match(unusableAddress('10.30.192.10', '10.30.128.0/18')!, 'outside')
})

test.run()
