// Supervises a service process a suite started: ready-wait, kill on test-process exit, graceful stop (I/O: signals).
import type { ChildProcess } from 'node:child_process'
import { waitFor } from './ports.ts'

export type Supervised = { kill: () => void; stop: () => Promise<void> }

/**
 * Waits until `ready` answers true (failing at once if the process exits), and returns stop(): the
 * `signal` first, SIGKILL after 3 s. The process never outlives the test run, even without stop().
 */
export async function supervise(
  child: ChildProcess,
  what: string,
  ready: () => Promise<boolean>,
  opts: { signal?: NodeJS.Signals; timeoutMs?: number; log?: () => string } = {},
): Promise<Supervised> {
  const kill = () => {
    child.kill('SIGKILL')
  }
  process.once('exit', kill)
  const exited = () => child.exitCode !== null || child.signalCode !== null
  try {
    await waitFor(
      what,
      async () => {
        if (exited()) throw new Error(`${what}: the process exited: ${opts.log?.() ?? ''}`)
        return ready()
      },
      opts.timeoutMs ?? 20_000,
    )
  } catch (e) {
    kill()
    process.removeListener('exit', kill)
    throw e
  }
  return {
    kill,
    stop: async () => {
      process.removeListener('exit', kill)
      if (exited()) return
      const done = new Promise((r) => child.once('exit', r))
      child.kill(opts.signal ?? 'SIGTERM')
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))])
      kill()
    },
  }
}
