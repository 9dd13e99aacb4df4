// Supervises a service process a suite started: the port it announced, ready-wait, kill on test-process exit, graceful
// stop (I/O: signals, its stderr).
import type { ChildProcess } from 'node:child_process'
import { announcedPort } from '../../scripts/lib/deploy-local/free-port.ts'
import { waitFor } from './ports.ts'

/**
 * A server started on port 0: the last 4000 characters of its stderr, for a failure's message, and the port its
 * `announcement` line names (see announcedPort), undefined until it has logged it.
 */
export function announcingStderr(child: ChildProcess, announcement: RegExp) {
  let tail = ''
  let port: number | undefined
  child.stderr?.on('data', (d) => {
    tail = (tail + d).slice(-4000)
    port ??= announcedPort(tail, announcement)
  })
  return { log: () => tail, port: () => port }
}

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
