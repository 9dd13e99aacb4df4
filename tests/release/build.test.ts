// `release --build`: the app's own npm steps, in order, and refusals before npm runs (pure steps; a temp folder).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildApp, buildSteps } from '../../scripts/lib/release/build.ts'

const steps = (kind: 'api' | 'spa', scripts: Record<string, string>) => buildSteps(kind, scripts).map((s) => s.what)

test('a clean install, the tests and build it has, then production dependencies only', () => {
  assert.equal(steps('api', {}), ['install', 'prune'])
  assert.equal(steps('api', { test: 'uvu', build: 'tsc' }), ['install', 'test', 'build', 'prune'])
  assert.equal(buildSteps('api', {})[0]!.args, ['ci', '--no-audit', '--no-fund'])
  assert.equal(buildSteps('api', {}).at(-1)!.args, ['prune', '--omit=dev', '--no-audit', '--no-fund'])
})

test('a portal without a build script cannot be released: its release is the static build', () => {
  assert.throws(() => buildSteps('spa', { test: 'x' }), /no "build" script/)
  assert.equal(steps('spa', { build: 'vite build' }), ['install', 'build', 'prune'])
})

test('no package.json or no lockfile: refused before npm runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'release-build-'))
  try {
    const log: string[] = []
    const refusal = (await buildApp(dir, 'api', (l) => log.push(l)).catch((e: Error) => e.message)) as string
    assert.match(refusal, /has no package\.json/)
    writeFileSync(join(dir, 'package.json'), '{"name":"x","version":"1.0.0"}')
    const noLock = (await buildApp(dir, 'api', (l) => log.push(l)).catch((e: Error) => e.message)) as string
    assert.match(noLock, /has no package-lock\.json: a release installs exactly what the lockfile says/)
    assert.equal(log, [], 'npm never ran')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
