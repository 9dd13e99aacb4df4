// Checks the database's users made and kept: FerretDB told apart from MongoDB, users created then updated with the
// password that then signs in, roles sent only when the server has them, the databases that hold data (FerretDB on
// loopback with its user commands on; a scripted buildInfo reply for MongoDB, which this machine does not run).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MongoClient } from 'mongodb'
import { dataDatabases, ensureUsers, serverHasRoles } from '../../scripts/lib/database/user-admin.ts'
import type { Role } from '../../scripts/lib/database/users.ts'
import { startFerret, type Ferret } from '../harness/ferretdb.ts'

// FerretDB v1 answers createUser, usersInfo and updateUser only with its new authentication on, as the deploy-local
// mongod stand-in runs it; the harness passes the environment on to FerretDB.
const ROOT = { user: 'root', password: 'root-password' }
Object.assign(process.env, {
  FERRETDB_TEST_ENABLE_NEW_AUTH: 'true',
  FERRETDB_SETUP_DATABASE: 'admin',
  FERRETDB_SETUP_USERNAME: ROOT.user,
  FERRETDB_SETUP_PASSWORD: ROOT.password,
})
let ferret: Ferret
let admin: MongoClient
const uriAs = (user: string, password: string) =>
  ferret.uri.replace('mongodb://', `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`) +
  '?authSource=admin'

/** Whether `user` signs in with `password` and may write: 'ok', or the server's refusal. */
async function signIn(user: string, password: string): Promise<string> {
  const c = new MongoClient(uriAs(user, password), { serverSelectionTimeoutMS: 3000 })
  try {
    await c.db('signin').collection('probe').insertOne({ by: user })
    return 'ok'
  } catch (e) {
    return (e as Error).message
  } finally {
    await c.close()
  }
}
const usersNamed = async (name: string) =>
  ((await admin.db('admin').command({ usersInfo: { user: name, db: 'admin' } })).users as { user: string }[]).map(
    (u) => u.user,
  )
const rw: Role[] = [{ role: 'readWrite', db: 'drsignet' }]

test.before(async () => {
  ferret = await startFerret()
  admin = new MongoClient(uriAs(ROOT.user, ROOT.password))
})
test.after(async () => {
  await admin?.close()
  await ferret?.stop()
})

test('FerretDB is told apart by its version field: no roles', async () => {
  assert.equal(await serverHasRoles(admin), { roles: false, server: 'FerretDB v1.24.2' })
})

test('MongoDB (no ferretdbVersion in buildInfo) has roles, named with its version', async () => {
  const mongo = { db: () => ({ command: async () => ({ version: '7.0.14', gitVersion: 'ce59cfc', ok: 1 }) }) }
  assert.equal(await serverHasRoles(mongo as unknown as MongoClient), { roles: true, server: 'MongoDB 7.0.14' })
})

test('missing users are created, in the order given, and sign in with their passwords', async () => {
  const changes = await ensureUsers(
    admin,
    [
      { name: 'patient-api', password: 'first-patient', roles: rw },
      { name: 'backup', password: 'first-backup', roles: [{ role: 'backup', db: 'admin' }] },
    ],
    false,
  )
  assert.equal(changes, [
    { name: 'patient-api', action: 'created' },
    { name: 'backup', action: 'created' },
  ])
  assert.is(await signIn('patient-api', 'first-patient'), 'ok')
  assert.is(await signIn('backup', 'first-backup'), 'ok')
})

test('users that exist are updated to the password given: the new one signs in, the old one no longer', async () => {
  const changes = await ensureUsers(
    admin,
    [
      { name: 'backup', password: 'second-backup', roles: [] },
      { name: 'doctor-api', password: 'first-doctor', roles: rw },
    ],
    false,
  )
  assert.equal(changes, [
    { name: 'backup', action: 'updated' },
    { name: 'doctor-api', action: 'created' },
  ])
  assert.is(await signIn('backup', 'second-backup'), 'ok')
  assert.is(await signIn('backup', 'first-backup'), 'Authentication failed.')
  assert.is(await signIn('patient-api', 'first-patient'), 'ok', 'a user not named was changed')
})

test('running again changes no user’s count: each is still there once, updated', async () => {
  const users = [{ name: 'patient-api', password: 'first-patient', roles: rw }]
  assert.equal(await ensureUsers(admin, users, false), [{ name: 'patient-api', action: 'updated' }])
  assert.equal(await ensureUsers(admin, users, false), [{ name: 'patient-api', action: 'updated' }])
  assert.equal(await usersNamed('patient-api'), ['patient-api'])
  assert.is(await signIn('patient-api', 'first-patient'), 'ok')
})

test('with roles on, the roles are sent: FerretDB refuses them, which is why serverHasRoles is asked first', async () => {
  const refused = await ensureUsers(admin, [{ name: 'reporting', password: 'pw', roles: rw }], true).then(
    () => 'created',
    (e: Error) => e.message,
  )
  assert.match(refused, /^createUser: support for field "roles" with non-default value .* is not implemented yet$/)
  assert.equal(await usersNamed('reporting'), [])
})

test('data databases: everything but admin, local and config, sorted', async () => {
  await admin.db('zeta').collection<{ _id: number }>('z').insertOne({ _id: 1 })
  await admin.db('drsignet').collection<{ _id: number }>('patients').insertOne({ _id: 1 })
  await admin.db('config').collection<{ _id: number }>('settings').insertOne({ _id: 1 })
  // signIn above wrote to 'signin'; admin holds the users.
  assert.equal(await dataDatabases(admin), ['drsignet', 'signin', 'zeta'])
})

test.run()
