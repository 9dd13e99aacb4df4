// What a user sees when AWS is out of reach, through the CLI: one line with the cause and the fix, exit 1, soon;
// the stack trace only with --debug (I/O: child processes against a closed loopback port; no traffic leaves).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../harness/ports.ts'

const home = mkdtempSync(join(tmpdir(), 'no-aws-home-'))
const ops = (args: string[], env: Record<string, string>) => {
  const started = Date.now()
  // No profile, no metadata service, no config in HOME: only what the test gives.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', NODE_NO_WARNINGS: '1', ...env },
  })
  const lines = r.stderr
    .split('\n')
    .filter(
      (l) =>
        l &&
        !l.startsWith('retrying ') &&
        !/NodeVersionSupportWarning|node >=22|a\.co\/|trace-warnings|^(To continue|and security|versions published|More information)/.test(
          l,
        ),
    )
  return { code: r.status, lines, stderr: r.stderr, seconds: (Date.now() - started) / 1000 }
}

test('no credentials: one line naming what to set, within seconds', () => {
  const r = ops(['plan', 'staging'], {})
  assert.is(r.code, 1)
  assert.equal(r.lines, [
    'plan: no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run in CodeBuild, whose role provides them',
  ])
  assert.ok(r.seconds < 15, `${r.seconds} s`)
})

test('an endpoint that refuses: one line naming it, given up within 15 s of retries that are said', async () => {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const r = ops(['history', 'staging'], {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: endpoint,
  })
  assert.is(r.code, 1)
  assert.equal(r.lines, [
    `history: cannot reach 127.0.0.1:${port} (ECONNREFUSED), given up after retrying for 15 s: check AWS_ENDPOINT_URL (${endpoint}) and that the emulator runs`,
  ])
  assert.match(r.stderr, /^retrying GetCallerIdentity \(2\/8\) after ECONNREFUSED$/m)
  assert.ok(r.seconds < 25, `${r.seconds} s`)
})

test('--debug keeps the stack trace', async () => {
  const r = ops(['history', 'staging', '--debug'], {})
  assert.is.not(r.code, 0)
  assert.match(r.stderr, /CredentialsProviderError[\s\S]*\n\s+at /)
})

test.run()
