// Finds and stops what a test file left running. Each file gets its own TMPDIR; every process the file
// started, however detached (nginx, pm2 and its apps, deploy-local's instances), carries that path in
// its environment (TMPDIR itself, or a HOME or PM2_HOME made under it), so /proc tells them apart (I/O: /proc, signals).
import { readdirSync, readFileSync } from 'node:fs'

export type Stray = { pid: number; name: string }

/** Live processes other than this one whose environment names the folder `marker` or a path under it. */
export function straysOf(marker: string): Stray[] {
  const found: Stray[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1')
      if (!env.includes(`${marker}/`) && !env.includes(`${marker}\0`)) continue
      found.push({ pid, name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() })
    } catch {
      /* exited while we looked, or not ours to read */
    }
  }
  return found
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig)
  } catch {
    /* gone */
  }
}

/** SIGTERM to every stray, SIGKILL to those still there after graceMs; returns what was found. */
export async function stopStrays(marker: string, graceMs = 2000): Promise<Stray[]> {
  const strays = straysOf(marker)
  for (const s of strays) signal(s.pid, 'SIGTERM')
  for (const end = Date.now() + graceMs; Date.now() < end && straysOf(marker).length;)
    await new Promise((r) => setTimeout(r, 50))
  for (const s of straysOf(marker)) signal(s.pid, 'SIGKILL')
  return strays
}

/** The synchronous last resort, for a runner that is itself being killed. */
export const killStrays = (marker: string) => {
  for (const s of straysOf(marker)) signal(s.pid, 'SIGKILL')
}
