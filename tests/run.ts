// Runs every tests/**/*.test.ts in its own Node process (real ESM via tsx) and prints the plain
// closing line `N passed, N failed` that CI reads; uvu prints per-process totals only.
// Usage: tsx tests/run.ts [--unit] [--jobs N] [FILTER...]
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const unitOnly = args.includes('--unit')
const jobsAt = args.indexOf('--jobs')
const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 2
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--jobs')
// Integration suites start real services (nginx, moto, FerretDB, pm2); --unit skips them.
const isIntegration = (file: string) => /(^|\/)integration\//.test(file)

function findTests(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'fixtures') return []
    if (statSync(path).isDirectory()) return findTests(path)
    return name.endsWith('.test.ts') ? [relative(root, path)] : []
  })
}

type Result = { file: string; passed: number; failed: number; skipped: number; output: string; ms: number }

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const count = (out: string, label: string) => Number(out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0)

function runFile(file: string): Promise<Result> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code) => {
      const out = strip(output)
      const total = count(out, 'Total')
      const passed = count(out, 'Passed')
      const skipped = count(out, 'Skipped')
      let failed = total - passed - skipped
      // A crash before uvu's summary, or a non-zero exit, must never read as a pass.
      if ((code !== 0 || total === 0) && failed === 0) failed = 1
      resolve({ file, passed, failed, skipped, output: out, ms: Date.now() - started })
    })
  })
}

const files = findTests(join(root, 'tests'))
  .filter((f) => !unitOnly || !isIntegration(f))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
const queue = [...files]
const results: Result[] = []
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file)
      results.push(r)
      const status = r.failed ? 'FAIL' : 'ok  '
      console.log(`${status} ${file}  ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`)
      if (r.failed) console.log(r.output.replace(/^/gm, '    │ '))
    }
  }),
)
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
const skipped = results.reduce((n, r) => n + r.skipped, 0)
if (skipped) console.log(`(${skipped} skipped)`)
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed || files.length === 0 ? 1 : 0
