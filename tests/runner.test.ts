// The test runner itself is a gate: a bad --jobs, an unknown option or a filter that matches nothing cannot report
// green; a failure's reason is said again at the end (I/O: runs the runner, and uvu on a failing suite, as child
// processes, with filters that start no suite; temp folder).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { failureSummary } from './harness/failure-summary.ts'
import { fileBudgetS } from './harness/file-budget.ts'

const runner = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tests/run.ts', ...args], { encoding: 'utf8' })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test('--jobs must be a whole number and options must be known: exit 2, no test run', () => {
  for (const [args, message] of [
    [['--jobs', 'x'], "--jobs must be a whole number from 1 to 64, not 'x'"],
    [['--jobs', '0'], "--jobs must be a whole number from 1 to 64, not '0'"],
    [['--jbos', '2'], 'unknown option --jbos'],
  ] as const) {
    const r = runner(...args)
    assert.is(r.code, 2, args.join(' '))
    assert.is(r.err.split('\n')[0], message)
    assert.is(r.out, '')
  }
})

test('a filter that matches no file is a failure, not "0 passed, 0 failed" and green', () => {
  const r = runner('no-such-test-file-anywhere')
  assert.is(r.code, 1)
  assert.is(r.out, 'no test file matches no-such-test-file-anywhere\n0 passed, 0 failed\n')
})

test('a file may ask for more time in its header, never for less', () => {
  assert.is(fileBudgetS('// what it proves\n// test-timeout: 480 s\nimport x\n', 300), 480)
  assert.is(fileBudgetS('// test-timeout: 60 s\n', 300), 300)
  assert.is(fileBudgetS('const s = "// test-timeout: 900 s, in a string"\n', 300), 300)
  assert.is(fileBudgetS('// no budget\n', 300), 300)
})

test("the reasons at the end are uvu's own FAIL blocks, without its frames and without what the suite logged", () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'))
  try {
    const suite = join(dir, 'failing.test.mjs')
    const uvu = (m: string) => JSON.stringify(new URL(`../node_modules/uvu/${m}`, import.meta.url).href)
    writeFileSync(
      suite,
      [
        `import { test } from ${uvu('dist/index.mjs')}`,
        `import * as assert from ${uvu('assert/index.mjs')}`,
        `test('counts', () => { console.log('a line the suite logged'); assert.is(1, 2, 'one is not two') })`,
        `test('passes', () => {})`,
        `test('throws', () => { throw new Error('boom') })`,
        'test.run()',
      ].join('\n'),
    )
    const r = spawnSync(process.execPath, [suite], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
    const summary = failureSummary(r.stdout + r.stderr)
    assert.equal(
      summary.filter((l) => !l.includes(suite)),
      [
        'FAIL  "counts"',
        '    one is not two  (is)',
        '        ++2    (Expected)',
        '        --1    (Actual)',
        'FAIL  "throws"',
        '    boom',
      ],
      r.stdout,
    )
    // What remains of the stacks is the line in the suite itself, once per failure.
    assert.equal(
      summary.filter((l) => l.includes(suite)).map((l) => l.replace(/^\s+at .*:(\d+):\d+\)?$/, 'line $1')),
      ['line 3', 'line 5'],
    )
    // A file that died before uvu's report: its last lines.
    const crash = ['> starting', 'Error: listen EADDRINUSE', '    at Server.listen (node:net:1)', '', '']
    assert.equal(failureSummary(crash.join('\n'), 14, 2), [
      'Error: listen EADDRINUSE',
      '    at Server.listen (node:net:1)',
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
