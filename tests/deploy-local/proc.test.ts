// Checks the /proc reader deploy-local uses to find an nginx master's workers (spawns sleep).
import { spawn } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { childPids, parentOf } from '../../scripts/lib/deploy-local/proc.ts'

test('parentOf reads the field after the command name, whatever the name holds', () => {
  assert.is(parentOf('4242 (nginx) S 17 4242 4242 0 -1'), 17)
  assert.is(parentOf('4243 (a) b (c d) R 99 4243 1 0 -1'), 99)
})

test('childPids lists exactly the children of a process, a finished unreaped one included', async () => {
  const parent = spawn('bash', ['-c', 'sleep 5 >/dev/null & sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    await new Promise((resolve) => parent.stdout.once('data', resolve))
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.is(childPids(parent.pid!).length, 2)
    assert.ok(childPids(process.pid).includes(parent.pid!))
    assert.not.ok(childPids(process.pid).some((pid) => childPids(parent.pid!).includes(pid)))
  } finally {
    for (const pid of childPids(parent.pid!)) process.kill(pid, 'SIGKILL')
    parent.kill('SIGKILL')
  }
})

test.run()
