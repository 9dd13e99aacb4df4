// Runs the mongodump and mongorestore built by .ci/install.d/40-mongo.sh (I/O: spawns processes).
import { spawn } from 'node:child_process'
import { requireCachedTool } from './ferretdb.ts'

export type ToolRun = { code: number; stdout: string; stderr: string; ms: number }

export function runMongoTool(
  tool: 'mongodump' | 'mongorestore',
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<ToolRun> {
  const bin = requireCachedTool(tool)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-20000)))
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started })
    })
  })
}
