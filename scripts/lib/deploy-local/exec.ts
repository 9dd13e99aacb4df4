// Runs a command as an argument array to completion (I/O).
import { spawnSync } from 'node:child_process'

/** Runs a command to completion; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env })
  if (r.status !== 0 && !opts.allowFail)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr?.trim()}`)
  return r.stdout ?? ''
}
