// A copy of this checkout's configuration with the database at another address, for test files that each need their
// own (I/O: copies files).
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A copy of this checkout's configuration (environments/, apps/) under `dir` whose environment `env` puts the database
 * at `address`. Test files that run side by side each take their own: the route to the address is one for the
 * whole machine, and two instances holding one address would answer each other's clients.
 */
export function configWithAddress(dir: string, env: string, address: string): string {
  const root = join(dir, 'config')
  for (const folder of ['environments', 'apps']) cpSync(folder, join(root, folder), { recursive: true })
  const file = join(root, 'environments', `${env}.yaml`)
  const text = readFileSync(file, 'utf8')
  const line = /^( {2}address: )\S+$/m
  if (!line.test(text)) throw new Error(`${file}: no database address to change`)
  writeFileSync(file, text.replace(line, `$1${address}`))
  return root
}
