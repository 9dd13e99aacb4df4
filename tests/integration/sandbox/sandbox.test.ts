// `npm run sandbox`, as a newcomer runs it: staging from nothing on moto and booted local instances with the real
// CodeDeploy agent, every app answering at the 127.0.0.1 URL it prints, the plan of a version bump; then `down`
// leaves nothing running (I/O: moto, instances, nginx, FerretDB, all stopped by down or after the test).
// test-timeout: 480 s
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { sandboxDown } from '../../../scripts/lib/sandbox/down.ts'
import { answer, nextPatch } from '../../../scripts/lib/sandbox/up.ts'
import { readSandbox } from '../../../scripts/lib/sandbox/state.ts'

const root = new URL('../../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'sandbox-'))
const dir = join(work, 'sandbox')
const model = readModel(root, 'staging')

type Run = { code: number; stdout: string; stderr: string }
// No AWS_* from this machine: the sandbox must set up its own.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')))
const sandbox = (...args: string[]): Promise<Run> =>
  new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/ops.ts', 'sandbox', ...args, '--dir', dir],
      { cwd: root, env, maxBuffer: 32 << 20 },
      (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  )

test.after(async () => {
  await sandboxDown(dir) // when the test failed before its own `down`
  rmSync(work, { recursive: true, force: true })
})

test('up: every app answers at the URL printed, a version bump shows in the plan; down stops everything', async () => {
  const up = await sandbox()
  assert.is(up.code, 0, `${up.stdout}\n${up.stderr}`)
  assert.match(up.stdout, /apply staging: done: stacks: \d+ created/)
  const urls = [...up.stdout.matchAll(/^ {2}(\S+) (\S+): curl -H 'Host: (\S+)' (http:\/\/127\.0\.0\.1:\d+\/)$/gm)]
  assert.equal(urls.map((m) => m[1]).sort(), model.apps.map((a) => a.name).sort(), up.stdout)
  for (const [, app, version, host, url] of urls) {
    const reply = await answer(url!, host!)
    assert.is(reply.status, 200, `${app}: ${reply.body}`)
    if (model.apps.find((a) => a.name === app)!.kind === 'api')
      assert.equal(JSON.parse(reply.body).version, version, `${app} answers with its release`)
  }
  const bumped = model.apps[0]!
  assert.ok(up.stdout.includes(`sets ${bumped.name} to ${nextPatch(bumped.version)}`), up.stdout)
  assert.match(
    up.stdout,
    new RegExp(
      `${bumped.name}[^\\n]*${bumped.version.replace(/\./g, '\\.')}[^\\n]*${nextPatch(bumped.version).replace(/\./g, '\\.')}`,
    ),
  )
  const state = readSandbox(dir)!

  const down = await sandbox('down')
  assert.is(down.code, 0, down.stderr)
  assert.match(down.stdout, /moto on http:\/\/127\.0\.0\.1:\d+ stopped/)
  assert.not.ok(existsSync(dir))
  assert.not.ok(existsSync(`/proc/${state.moto!.pid}`), 'moto is gone')
  for (const u of state.urls)
    assert.ok(
      await answer(u.url, u.host).then(
        () => false,
        () => true,
      ),
      `${u.url} still answers`,
    )
})

test.run()
