// Who may use the environment's MongoDB, and where each one's password and connection string live (pure).
import type { Model } from '../config/model.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'
import { byText } from '../order.ts'

export type Role = { role: string; db: string }
/** A MongoDB user made by code (all in the admin database, as the connection strings' authSource says). */
export type DatabaseUser = { name: string; roles: Role[]; purpose: string }

export const ADMIN_USER = 'admin'

/**
 * The admin (user administration and recovery, used by ops database-up alone), the backup tool (dump, restore and
 * the drill's scratch databases), and one user per client app, with readWrite on its own database only.
 */
export function databaseUsers(model: Model): DatabaseUser[] {
  return [
    { name: ADMIN_USER, roles: [{ role: 'root', db: 'admin' }], purpose: 'administration (ops database-up)' },
    {
      name: BACKUP_AGENT,
      // The drill (verify) restores into drill_* databases and drops them: readWriteAnyDatabase covers that. Not the
      // restore role: it may write admin.system.users, which is as good as root.
      roles: [
        { role: 'backup', db: 'admin' },
        { role: 'readWriteAnyDatabase', db: 'admin' },
      ],
      purpose: 'the nightly backup and the restore drill',
    },
    ...Object.entries(model.env.database.clients)
      .sort(byText(([a]) => a))
      .map(([app, db]) => ({ name: app, roles: [{ role: 'readWrite', db }], purpose: `app ${app} (database ${db})` })),
  ]
}

/** Where each user's password is kept: the secrets bucket, SSE-KMS; the database role alone reads and writes it. */
export const passwordKey = (model: Model, user: string) => `${model.env.secrets.prefix}/database/users/${user}`

/**
 * The client app's connection string, under the database's own prefix (the database role writes nothing of the
 * apps'); the app's role reads its own, and its BeforeInstall adds the two lines to the .env it installs.
 */
export const clientEnvKey = (model: Model, app: string) => `${model.env.secrets.prefix}/database/clients/${app}.env`

/**
 * A connection string to the database's fixed address (or loopback, for the tools on the database host), with TLS
 * on and SCRAM against the admin database. User and password are percent-encoded.
 */
export function connectionString(
  model: Model,
  user: string,
  password: string,
  opts: { host?: string; db?: string } = {},
): string {
  const host = opts.host ?? model.env.database.address
  const db = opts.db ?? ''
  return `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${model.env.network.mongoPort}/${db}?authSource=admin&tls=true`
}

/** The env file a client app gets (MONGODB_URI, and the database it uses). */
export const clientEnvFile = (model: Model, app: string, password: string) => {
  const db = model.env.database.clients[app]!
  return `# Written by ops database-up on the database host; do not edit (it is rewritten on every deployment of the backup tool).\nMONGODB_URI=${connectionString(model, app, password, { db })}\nMONGODB_DATABASE=${db}\n`
}
