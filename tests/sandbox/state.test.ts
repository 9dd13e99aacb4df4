// The sandbox's state file: nothing before a sandbox, a round trip of what was saved, the folder made on the first
// save, each save replacing the last whole (temp folder).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readSandbox, saveSandbox, type SandboxState } from '../../scripts/lib/sandbox/state.ts'

const work = mkdtempSync(join(tmpdir(), 'sandbox-state-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

const up: SandboxState = {
  env: 'staging',
  moto: { pid: 4242, endpoint: 'http://127.0.0.1:5123' },
  fleets: ['/s/fleets/api', '/s/fleets/database'],
  urls: [{ app: 'patient-api', version: '1.14.2', url: 'http://127.0.0.1:40001/', host: 'patient-api.drsignet.com' }],
}

test('a folder without a sandbox reads as none, whether or not the folder exists', () => {
  assert.is(readSandbox(join(work, 'missing')), undefined)
  assert.is(readSandbox(work), undefined)
})

test('what is saved reads back the same, from sandbox.json in a folder made for it', () => {
  const dir = join(work, 'a/b/sandbox')
  saveSandbox(dir, up)
  assert.equal(readSandbox(dir), up)
  assert.equal(readdirSync(dir), ['sandbox.json'], 'no temporary file left beside it')
  assert.is(readFileSync(join(dir, 'sandbox.json'), 'utf8'), `${JSON.stringify(up, null, 2)}\n`)
})

test('each save replaces the state whole: a sandbox that failed half way is read as it last was', () => {
  const dir = join(work, 'steps')
  saveSandbox(dir, { env: 'staging', fleets: [], urls: [] })
  saveSandbox(dir, { env: 'staging', moto: up.moto, fleets: ['/s/fleets/api'], urls: [] })
  assert.equal(readSandbox(dir), { env: 'staging', moto: up.moto, fleets: ['/s/fleets/api'], urls: [] })
  saveSandbox(dir, { env: 'production', fleets: [], urls: [] })
  assert.equal(readSandbox(dir), { env: 'production', fleets: [], urls: [] }, 'nothing of the earlier one kept')
})

test.run()
