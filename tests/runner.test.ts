// The test runner itself is a gate: a bad --jobs, an unknown option or a filter that matches nothing cannot report
// green (I/O: runs the runner as a child process, with filters that start no suite).
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
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

test.run()
