// Checks the /proc reader deploy-local uses to find an nginx master's workers, and sandbox down to see moto gone (spawns sleep).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { childPids, cpuSeconds, exited, parentOf } from '../../scripts/lib/deploy-local/proc.ts'
import { waitFor } from '../harness/ports.ts'

test('parentOf reads the field after the command name, whatever the name holds', () => {
  assert.is(parentOf('4242 (nginx) S 17 4242 4242 0 -1'), 17)
  assert.is(parentOf('4243 (a) b (c d) R 99 4243 1 0 -1'), 99)
})

test('childPids lists exactly the children of a process, a finished unreaped one included', async () => {
  // The second child exits once bash has become `sleep 5`, which never reaps it (one that exited before the exec
  // would be reaped by bash itself).
  const parent = spawn('bash', ['-c', 'sleep 5 >/dev/null & sleep 1 & echo $!; exec sleep 5'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  try {
    const finished = Number(
      await new Promise<string>((resolve) => parent.stdout.once('data', (b) => resolve(String(b).trim()))),
    )
    await waitFor(
      `${finished} to be a zombie`,
      async () => /^State:\s+Z/m.test(readFileSync(`/proc/${finished}/status`, 'utf8')),
      5000,
    )
    assert.ok(exited(finished), 'a zombie has exited')
    assert.not.ok(exited(parent.pid!), 'a sleeping process has not')
    assert.is(childPids(parent.pid!).length, 2)
    assert.ok(childPids(parent.pid!).includes(finished))
    assert.ok(childPids(process.pid).includes(parent.pid!))
    assert.not.ok(childPids(process.pid).some((pid) => childPids(parent.pid!).includes(pid)))
  } finally {
    for (const pid of childPids(parent.pid!)) process.kill(pid, 'SIGKILL')
    parent.kill('SIGKILL')
  }
})

test('exited: a pid that is gone has exited', async () => {
  const child = spawn('true', { stdio: 'ignore' })
  await new Promise((r) => child.on('close', r))
  assert.ok(exited(child.pid!))
})

test('cpuSeconds is the CPU the kernel charged a process, in seconds', () => {
  const spin = Date.now() + 300
  while (Date.now() < spin); // burn a known floor of CPU in this process
  const used = process.cpuUsage()
  const own = cpuSeconds(process.pid)!
  assert.ok(own >= 0.3, `${own} s after spinning 0.3 s`)
  // The kernel's ticks are 10 ms; Node reads the same counters at a finer grain.
  assert.ok(Math.abs(own - (used.user + used.system) / 1e6) < 0.05, `${own} s against ${JSON.stringify(used)}`)
  assert.is(cpuSeconds(2 ** 22 + 1), undefined, 'above pid_max: no such process')
})

test.run()
