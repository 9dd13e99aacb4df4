// TypeScript strict mode holds over scripts/, tests/ and bench/ (tsx runs without checking types).
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

test('tsc --noEmit reports no error', () => {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], {
    encoding: 'utf8',
  })
  assert.is(r.stdout + r.stderr, '')
  assert.is(r.status, 0)
})

test.run()
