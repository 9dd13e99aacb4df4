// The $ every script uses: stdin is /dev/null unless a call gives input, so bash never takes a socket on stdin for
// rshd's and reads ~/.bashrc (the cause of the database suites' hangs); a quiet command that fails throws where it
// ran and leaves no rejection behind (spawns bash).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { $, ProcessOutput, quiet, quietTry } from '../scripts/lib/shell.ts'

test('a command, async or sync, reads /dev/null as stdin; one given input reads that', async () => {
  assert.is((await $({ quiet: true })`readlink /proc/self/fd/0`).stdout.trim(), '/dev/null')
  assert.is($.sync({ quiet: true })`readlink /proc/self/fd/0`.stdout.trim(), '/dev/null')
  assert.is($.sync({ quiet: true, input: 'given', stdio: ['pipe', 'pipe', 'pipe'] })`cat`.stdout, 'given')
})

test("bash run by $ in a service's bare environment does not read ~/.bashrc; with a socket on stdin it would", () => {
  const home = mkdtempSync(join(tmpdir(), 'shell-home-'))
  writeFileSync(join(home, '.bashrc'), 'echo read-bashrc\n')
  // No SHLVL, as in a unit or a hook: bash then takes a socket on stdin for rshd's and reads ~/.bashrc.
  const env = { PATH: process.env.PATH!, HOME: home }
  assert.is($.sync({ quiet: true, env })`true`.stdout, '')
  assert.is($.sync({ quiet: true, env, stdio: ['pipe', 'pipe', 'pipe'] })`true`.stdout, 'read-bashrc\n')
  rmSync(home, { recursive: true, force: true })
})

test('a quiet command that fails throws at its call site, with its exit code and stderr, and nothing runs after it', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  const ran: string[] = []
  let thrown: unknown
  try {
    quiet`sh -c ${'echo no such namespace >&2; exit 3'}`
    ran.push('the next command')
  } catch (e) {
    thrown = e
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  process.off('unhandledRejection', onUnhandled)
  assert.equal(ran, [])
  assert.ok(thrown instanceof ProcessOutput, 'a ProcessOutput was thrown')
  assert.is((thrown as ProcessOutput).exitCode, 3)
  assert.is((thrown as ProcessOutput).stderr, 'no such namespace\n')
  assert.equal(unhandled, [], 'no rejection is left for the process to die of')
  assert.is(quiet`echo ok`.stdout, 'ok\n')
})

test('quietTry hands a failure back as its exit code, and leaves no rejection either', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  assert.is(quietTry`sh -c ${'exit 4'}`.exitCode, 4)
  await new Promise((resolve) => setTimeout(resolve, 50))
  process.off('unhandledRejection', onUnhandled)
  assert.equal(unhandled, [])
})

test.run()
