// Takes a sandbox down: its fleets' instances and load balancers, then moto, then its folder (I/O: processes, files).
import { readFileSync, rmSync } from 'node:fs'
import { destroyFleet, loadFleet } from '../deploy-local/fleet.ts'
import { readSandbox } from './state.ts'

/** moto_server, if `pid` is still the one the sandbox started (a recycled pid is left alone). */
function isMoto(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto_server')
  } catch {
    return false
  }
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
    process.kill(state.moto.pid, 'SIGTERM')
    for (let n = 0; n < 50 && isMoto(state.moto.pid); n++) await new Promise((r) => setTimeout(r, 100))
    if (isMoto(state.moto.pid)) process.kill(state.moto.pid, 'SIGKILL')
    said.push(`moto on ${state.moto.endpoint} stopped`)
  }
  rmSync(dir, { recursive: true, force: true })
  said.push(`${dir} removed`)
  return said
}
