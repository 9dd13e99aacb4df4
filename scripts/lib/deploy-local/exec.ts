// Runs commands as argument arrays, and hook scripts with a timeout, a log file and the agent's environment (I/O).
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

/** Runs a command to completion; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env })
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr?.trim()}`)
  return r.stdout ?? ''
}

export type HookResult = { ok: boolean; code: number | null; timedOut: boolean; ms: number }

/**
 * Runs argv with output appended to logFile, in its own process group so a timeout kills the whole
 * tree (daemons that detach themselves, such as pm2's, keep running, as under the real agent).
 */
export function runLogged(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutMs: number }): Promise<HookResult> {
  const started = Date.now()
  const fd = openSync(opts.logFile, 'a')
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], detached: true })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* already gone */ }
    }, opts.timeoutMs)
    const finish = (code: number | null) => {
      clearTimeout(timer)
      closeSync(fd)
      resolve({ ok: code === 0 && !timedOut, code, timedOut, ms: Date.now() - started })
    }
    child.on('error', () => finish(127))
    child.on('exit', (code) => finish(code))
  })
}

/** The folder holding the node binary, so hooks find node and pm2 as on an instance. */
export const nodeBinDir = dirname(process.execPath)
