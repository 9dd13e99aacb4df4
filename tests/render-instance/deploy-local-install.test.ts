// Tests deploy-local's Install step: cleanup of the previous revision, file_exists_behavior, permissions (temp files).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { matchesPattern, parseAppspec } from '../../scripts/lib/deploy-local/appspec.ts'
import { installRevision } from '../../scripts/lib/deploy-local/install.ts'
import { renderAppspec } from '../../scripts/lib/render/appspec.ts'
import { fixtureApp, fixtureModel } from './model-fixture.ts'

function revision(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'rev-'))
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true })
    writeFileSync(join(dir, p), text)
  }
  return dir
}

const spec = (behavior: string) => ({ ...parseAppspec(renderAppspec(fixtureApp(), fixtureModel()).contents), fileExistsBehavior: behavior as 'OVERWRITE' })

test('the rendered appspec parses with its hooks and files', () => {
  const s = parseAppspec(renderAppspec(fixtureApp(), fixtureModel()).contents)
  assert.equal(s.files, [{ destination: '/opt/drsignet/patient-api/current', source: '/' }])
  assert.is(s.hooks.ValidateService[0].location, 'hooks/validate-service.sh')
  assert.ok(matchesPattern('a/b/c.js', '**'))
  assert.ok(matchesPattern('x.sh', '*.sh'))
  assert.not.ok(matchesPattern('lib/x.sh', '*.sh'))
})

test('OVERWRITE replaces, files of the previous revision are removed, permissions apply', () => {
  const root = mkdtempSync(join(tmpdir(), 'root-'))
  const cleanup = join(root, 'cleanup')
  const dest = join(root, 'opt/drsignet/patient-api/current')
  installRevision(spec('OVERWRITE'), revision({ 'app/old.js': 'old', 'app/keep.js': 'v1', 'hooks/a.sh': '#!/bin/sh' }), root, cleanup)
  installRevision(spec('OVERWRITE'), revision({ 'app/keep.js': 'v2', 'hooks/a.sh': '#!/bin/sh' }), root, cleanup)
  assert.not.ok(existsSync(join(dest, 'app/old.js')))
  assert.is(readFileSync(join(dest, 'app/keep.js'), 'utf8'), 'v2')
  assert.is(statSync(join(dest, 'app/keep.js')).mode & 0o777, 0o644)
  assert.is(statSync(join(dest, 'app')).mode & 0o777, 0o755)
  assert.is(statSync(join(dest, 'hooks/a.sh')).mode & 0o777, 0o755)
  rmSync(root, { recursive: true, force: true })
})

test('DISALLOW fails on a file the agent did not write; RETAIN keeps it', () => {
  const root = mkdtempSync(join(tmpdir(), 'root-'))
  const dest = join(root, 'opt/drsignet/patient-api/current')
  mkdirSync(join(dest, 'app'), { recursive: true })
  writeFileSync(join(dest, 'app/local.js'), 'by hand')
  const rev = revision({ 'app/local.js': 'from bundle' })
  assert.throws(() => installRevision(spec('DISALLOW'), rev, root, join(root, 'c1')), /already exists and file_exists_behavior is DISALLOW/)
  installRevision(spec('RETAIN'), rev, root, join(root, 'c2'))
  assert.is(readFileSync(join(dest, 'app/local.js'), 'utf8'), 'by hand')
  rmSync(root, { recursive: true, force: true })
})

test.run()
