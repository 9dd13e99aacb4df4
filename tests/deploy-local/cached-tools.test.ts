// Where the binaries built into .cache/bin are, and the one-line error naming the install step when one is not built
// (temp file in .cache/bin, removed after).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { cacheBin, requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'

const root = new URL('../../', import.meta.url).pathname

test("the cache is the checkout's own .cache/bin, wherever the caller runs from", () => {
  assert.is(cacheBin, join(root, '.cache/bin/'))
})

test('a built tool is found by name, as its path in the cache', () => {
  const name = `cached-tools-test-${process.pid}`
  mkdirSync(cacheBin, { recursive: true })
  writeFileSync(join(cacheBin, name), '#!/bin/sh\n', { mode: 0o755 })
  try {
    assert.is(requireCachedTool(name), join(root, '.cache/bin', name))
  } finally {
    rmSync(join(cacheBin, name), { force: true })
  }
})

test('a tool not built is an input error of one line naming the command that builds it', () => {
  let err: unknown
  try {
    requireCachedTool('no-such-tool')
  } catch (e) {
    err = e
  }
  assert.instance(err, InputError)
  assert.is(
    (err as Error).message,
    "required tool 'no-such-tool' is not built: run `bash .ci/install.d/40-mongo.sh` (or bash .ci/run, which installs everything)",
  )
})

test.run()
