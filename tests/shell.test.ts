// The $ every script uses: stdin is /dev/null unless a call gives input, so bash never takes a socket on stdin for
// rshd's and reads ~/.bashrc (the cause of the database suites' hangs; spawns bash).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from '../scripts/lib/shell.ts'

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

test.run()
