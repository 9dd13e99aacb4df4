// Runs a command as a child process and measures wall time and peak RSS (VmHWM polled from /proc) (I/O: spawns, reads /proc).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

export type Measured = { code: number; seconds: number; peakRssMB: number; stdout: string; stderr: string }

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
): Promise<Measured> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let peak = 0
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-20000)))
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)))
    // VmHWM is the kernel's own high-water mark, so polling only has to catch the process before it exits.
    const timer = setInterval(() => (peak = Math.max(peak, hwm(child.pid!))), 50)
    child.on('error', reject)
    child.on('exit', () => (peak = Math.max(peak, hwm(child.pid!))))
    child.on('close', (code) => {
      clearInterval(timer)
      resolve({
        code: code ?? 1,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMB: peak,
        stdout,
        stderr,
      })
    })
  })
}
