// Binaries .ci/install.d/40-mongo.sh builds into .cache/bin (FerretDB, mongodump, mongorestore): where they are, or
// the command that builds them (I/O: checks a file exists).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../cli/errors.ts'
import { checkoutDir } from '../checkout.ts'

export const cacheBin = join(checkoutDir, '.cache/bin/')
const INSTALL = 'bash .ci/install.d/40-mongo.sh'

/** A binary built by .ci/install.d/40-mongo.sh, or one line naming that command. */
export function requireCachedTool(name: string): string {
  const path = join(cacheBin, name)
  if (!existsSync(path))
    throw new InputError(
      `required tool '${name}' is not built: run \`${INSTALL}\` (or bash .ci/run, which installs everything)`,
    )
  return path
}
