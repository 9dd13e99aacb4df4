// Takes a sandbox down: its fleets' instances and load balancers, then moto, then its folder (I/O: processes, files).
import { readFileSync, rmSync } from 'node:fs'
import { destroyFleet, loadFleet } from '../deploy-local/fleet.ts'
import { exited } from '../deploy-local/proc.ts'
import { readSandbox } from './state.ts'

/** moto_server, if `pid` is still the one the sandbox started (a recycled pid is left alone). */
function isMoto(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto_server')
  } catch {
    return false
  }
}

/** Waits until `pid` has exited (see exited), or `tries` × 100 ms. */
const waitExit = async (pid: number, tries: number) => {
  for (let n = 0; n < tries && !exited(pid); n++) await new Promise((r) => setTimeout(r, 100))
}

/** What it stopped, one line each; nothing when no sandbox is in `dir`. */
export async function sandboxDown(dir: string): Promise<string[]> {
  const state = readSandbox(dir)
  if (!state) return []
  const said: string[] = []
  for (const folder of state.fleets) {
    const f = loadFleet(folder)
    if (!f) continue
    destroyFleet(f)
    said.push(`fleet ${folder}: ${f.instances.length} instance(s) and the load balancer stopped`)
  }
  if (state.moto && isMoto(state.moto.pid)) {
    const pid = state.moto.pid
    process.kill(pid, 'SIGTERM')
    await waitExit(pid, 50)
    if (!exited(pid) && isMoto(pid)) {
      process.kill(pid, 'SIGKILL')
      await waitExit(pid, 20)
    }
    said.push(`moto on ${state.moto.endpoint} stopped`)
  }
  rmSync(dir, { recursive: true, force: true })
  said.push(`${dir} removed`)
  return said
}
