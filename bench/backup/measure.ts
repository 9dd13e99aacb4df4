// Runs a command as a child process and measures wall time and peak RSS (VmHWM polled from /proc), and optionally the
// CPU another process (the server it talks to) used meanwhile (I/O: spawns, reads /proc).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpuSeconds } from '../../scripts/lib/deploy-local/proc.ts'

/** The watched process's CPU seconds since the command started, `at` seconds after it started. */
export type CpuSample = { at: number; cpu: number }
export type Measured = {
  code: number
  seconds: number
  peakRssMB: number
  stdout: string
  stderr: string
  watched: CpuSample[]
}

/** The watched process's CPU by `at` seconds into the command: the last sample taken by then (every 50 ms). */
export function cpuBy(samples: CpuSample[], at: number): number {
  const last = samples.filter((s) => s.at <= at).at(-1)
  // No sample: the process was gone, or `at` came first. Zero would read as a server that cost nothing.
  if (!last) throw new Error(`no CPU sample of the watched process within ${at.toFixed(2)} s`)
  return last.cpu
}

const hwm = (pid: number): number => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

export function measure(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
  watch?: number,
): Promise<Measured> {
  const started = process.hrtime.bigint()
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9
  const cpu0 = watch === undefined ? undefined : cpuSeconds(watch)
  const watched: CpuSample[] = []
  const sample = () => {
    const cpu = cpu0 === undefined ? undefined : cpuSeconds(watch!)
    if (cpu !== undefined) watched.push({ at: elapsed(), cpu: cpu - cpu0! })
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let peak = 0
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-20000)))
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)))
    // VmHWM is the kernel's own high-water mark, so polling only has to catch the process before it exits.
    const timer = setInterval(() => ((peak = Math.max(peak, hwm(child.pid!))), sample()), 50)
    child.on('error', reject)
    child.on('exit', () => (peak = Math.max(peak, hwm(child.pid!))))
    child.on('close', (code) => {
      clearInterval(timer)
      sample()
      resolve({ code: code ?? 1, seconds: elapsed(), peakRssMB: peak, stdout, stderr, watched })
    })
  })
}
