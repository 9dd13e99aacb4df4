// Makes the database's users exist with the passwords and roles given, on MongoDB or FerretDB (I/O: MongoDB).
import type { MongoClient } from 'mongodb'
import type { Role } from './users.ts'

export type UserChange = { name: string; action: 'created' | 'updated' }

/**
 * FerretDB (v1) speaks the user commands but has no roles: it refuses any, and every user it knows may do
 * everything. Users are then made without roles, and the caller says so; on MongoDB the roles are always sent.
 */
export async function serverHasRoles(client: MongoClient): Promise<{ roles: boolean; server: string }> {
  const info = await client.db('admin').command({ buildInfo: 1 })
  if (typeof info.ferretdbVersion === 'string') return { roles: false, server: `FerretDB ${info.ferretdbVersion}` }
  return { roles: true, server: `MongoDB ${info.version}` }
}

/**
 * Each user exists with this password and these roles afterwards: created when missing, updated otherwise (a
 * replacement that restored a backup, or a password the bucket holds that the server does not). Idempotent.
 */
export async function ensureUsers(
  client: MongoClient,
  users: { name: string; password: string; roles: Role[] }[],
  withRoles: boolean,
): Promise<UserChange[]> {
  const admin = client.db('admin')
  const changes: UserChange[] = []
  for (const u of users) {
    const found = await admin.command({ usersInfo: { user: u.name, db: 'admin' } })
    const roles = withRoles ? u.roles : []
    if ((found.users as unknown[]).length === 0) {
      await admin.command({ createUser: u.name, pwd: u.password, roles })
      changes.push({ name: u.name, action: 'created' })
    } else {
      await admin.command({ updateUser: u.name, pwd: u.password, roles })
      changes.push({ name: u.name, action: 'updated' })
    }
  }
  return changes
}

/** Databases that hold data: anything but MongoDB's own (admin, local, config). */
export async function dataDatabases(client: MongoClient): Promise<string[]> {
  const r = await client.db('admin').command({ listDatabases: 1, nameOnly: true })
  return (r.databases as { name: string }[])
    .map((d) => d.name)
    .filter((n) => !['admin', 'local', 'config'].includes(n))
    .sort()
}
