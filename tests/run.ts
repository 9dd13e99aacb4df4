// Runs every tests/**/*.test.ts in its own Node process (real ESM via tsx) and prints the plain
// closing line `N passed, N failed` that CI reads; uvu prints per-process totals only.
// Usage: tsx tests/run.ts [--unit] [--jobs N] [FILTER...]; TEST_FILE_TIMEOUT_S bounds each file (default 300, or
// more where a file's header says `// test-timeout: N s`) so a hung test can never hang CI: the file's process group is killed and the file counted as failed. Each file
// gets its own TMPDIR; when it ends, whatever it left running (daemons in their own session, such as nginx, pm2
// and deploy-local's hooks, escape the group but not their environment) is stopped and the folder removed.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { failureSummary } from './harness/failure-summary.ts'
import { fileBudgetS } from './harness/file-budget.ts'
import { killStrays, stopStrays } from './harness/strays.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const unitOnly = args.includes('--unit')
const jobsAt = args.indexOf('--jobs')
const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 2
const usageError = (message: string) => {
  console.error(`${message}\nusage: tsx tests/run.ts [--unit] [--jobs N] [FILTER...]`)
  process.exit(2)
}
// A bad --jobs would start no worker and report "0 passed, 0 failed": a gate that passed on nothing.
if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
  usageError(`--jobs must be a whole number from 1 to 64, not '${args[jobsAt + 1] ?? ''}'`)
const unknown = args.filter(
  (a, i) => a.startsWith('--') && a !== '--unit' && a !== '--jobs' && args[i - 1] !== '--jobs',
)
if (unknown.length) usageError(`unknown option ${unknown.join(', ')}`)
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--jobs')
// Integration suites start real services (nginx, moto, FerretDB, pm2); --unit skips them.
const timeoutS = Number(process.env.TEST_FILE_TIMEOUT_S || 300)
if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
  console.error(`TEST_FILE_TIMEOUT_S must be a positive number of seconds, got '${process.env.TEST_FILE_TIMEOUT_S}'`)
  process.exit(2)
}
const fileTimeoutMs = (file: string) => fileBudgetS(readFileSync(join(root, file), 'utf8'), timeoutS) * 1000
const isIntegration = (file: string) => /(^|\/)integration\//.test(file)

function findTests(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (name === 'node_modules' || name === 'fixtures') return []
      if (statSync(path).isDirectory()) return findTests(path)
      return name.endsWith('.test.ts') ? [relative(root, path)] : []
    })
}

type Result = {
  file: string
  passed: number
  failed: number
  skipped: number
  output: string
  left: string
  ms: number
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const count = (out: string, label: string) => Number(out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0)

const running = new Map<number, string>() // pid → the file's TMPDIR
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    /* already gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const [pid, tmp] of running) {
      killGroup(pid)
      killStrays(tmp)
      rmSync(tmp, { recursive: true, force: true })
    }
    process.exit(sig === 'SIGINT' ? 130 : 143)
  })
}

function runFile(file: string): Promise<Result> {
  const started = Date.now()
  const tmp = mkdtempSync(join(tmpdir(), 'drt-'))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout kills the file and what it spawned in that group
    })
    running.set(child.pid!, tmp)
    let output = ''
    let timedOut = false
    const budgetMs = fileTimeoutMs(file)
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid!)
    }, budgetMs)
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    let done = false
    const finish = async (code: number | null) => {
      if (done) return
      done = true
      clearTimeout(timer)
      const strays = await stopStrays(tmp)
      rmSync(tmp, { recursive: true, force: true })
      running.delete(child.pid!)
      const out =
        strip(output) +
        (timedOut ? `\nkilled after ${budgetMs / 1000} s (TEST_FILE_TIMEOUT_S, or the file's test-timeout)\n` : '')
      const left = strays.length
        ? `stopped ${strays.length} process(es) it left running: ${strays.map((s) => `${s.name} (${s.pid})`).join(', ')}`
        : ''
      const total = count(out, 'Total')
      const passed = count(out, 'Passed')
      const skipped = count(out, 'Skipped')
      let failed = total - passed - skipped
      // A crash before uvu's summary, a timeout or a non-zero exit must never read as a pass.
      if ((code !== 0 || total === 0) && failed === 0) failed = 1
      resolve({ file, passed, failed, skipped, output: out, left, ms: Date.now() - started })
    }
    // 'close' waits for every holder of the pipes; a daemon that escaped the group could hold them forever.
    child.on('exit', (code) => {
      const grace = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        finish(code)
      }, 2000)
      child.on('close', () => {
        clearTimeout(grace)
        finish(code)
      })
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
      if (r.left) console.log(`     ${r.left}`)
      if (r.failed) console.log(r.output.replace(/^/gm, '    │ '))
    }
  }),
)
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
const skipped = results.reduce((n, r) => n + r.skipped, 0)
if (skipped) console.log(`(${skipped} skipped)`)
const failures = results.filter((r) => r.failed)
if (failures.length) {
  console.log("\nwhy they failed (each file's whole output is above, where it finished):")
  for (const r of failures) {
    console.log(`  ${r.file}`)
    for (const line of failureSummary(r.output)) console.log(`    ${line}`)
  }
}
// Every file must have reported, and something must have passed: a run that checked nothing is not green.
const missing = files.length - results.length
if (files.length === 0) console.log(`no test file matches ${filters.join(' ') || '(no filter)'}`)
if (missing > 0) console.log(`${missing} test file(s) never reported`)
console.log(`${passed} passed, ${failed + Math.max(0, missing)} failed`)
process.exitCode = failed || missing || files.length === 0 || passed === 0 ? 1 : 0
