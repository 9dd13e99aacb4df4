// Finds the MongoDB URI: MONGODB_URI in the environment, else in the env file (default /etc/drsignet/backup.env) (I/O: reads one file).
import { existsSync, readFileSync } from 'node:fs'

export const DEFAULT_ENV_FILE = '/etc/drsignet/backup.env'

/** KEY=VALUE lines; blank lines, comments and an `export ` prefix are allowed; quotes are stripped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let v = m[2]
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1)
    out[m[1]] = v
  }
  return out
}

export class MissingUriError extends Error {}

/** An explicit --env-file wins, then MONGODB_URI, then the default file. */
export function resolveMongoUri(envFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (!envFile && env.MONGODB_URI) return env.MONGODB_URI
  const file = envFile ?? DEFAULT_ENV_FILE
  if (!existsSync(file))
    throw new MissingUriError(
      `no MongoDB URI: set MONGODB_URI or write MONGODB_URI=... in ${file} (or pass --env-file FILE)`,
    )
  const uri = parseEnvFile(readFileSync(file, 'utf8')).MONGODB_URI
  if (!uri) throw new MissingUriError(`${file} has no MONGODB_URI=... line`)
  return uri
}
