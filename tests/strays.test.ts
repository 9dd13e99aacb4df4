// Checks how the test runner finds what a test file left running: by the file's TMPDIR in the environment (spawns sleep).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { stopStrays, straysOf } from './harness/strays.ts'

test('a detached daemon naming the folder is found and stopped; one naming a longer sibling is not', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'strays-'))
  const start = (env: Record<string, string>) => {
    const child = spawn('sleep', ['30'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore', detached: true }) // detached: its own session, as daemons do
    child.unref()
    return child
  }
  const ours = [start({ TMPDIR: tmp }), start({ HOME: join(tmp, 'instances/i1') })]
  const sibling = start({ TMPDIR: `${tmp}x` })
  try {
    assert.equal(
      straysOf(tmp)
        .map((s) => s.pid)
        .sort(),
      ours.map((c) => c.pid).sort(),
    )
    assert.ok(straysOf(tmp).every((s) => s.name === 'sleep'))
    const stopped = await stopStrays(tmp)
    assert.is(stopped.length, 2)
    assert.equal(straysOf(tmp), [])
    assert.equal(
      straysOf(`${tmp}x`).map((s) => s.pid),
      [sibling.pid],
    )
  } finally {
    for (const c of [...ours, sibling]) c.kill('SIGKILL')
    rmSync(tmp, { recursive: true, force: true })
  }
})

test.run()
