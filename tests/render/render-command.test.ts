// The render command and its writer: atomic output, --check with a diff, a manifest that matches, nothing on bad input.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeTreeAtomically } from '../../scripts/lib/output/write-tree.ts'

const ops = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args], { encoding: 'utf8' })
const tmp = () => mkdtempSync(join(tmpdir(), 'render-'))

test('render writes build/ENV with a manifest whose hashes match the files', () => {
  const out = join(tmp(), 'production')
  const r = ops('render', 'production', '--out', out)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^rendered production: \d+ files in /)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  assert.is(manifest.environment, 'production')
  for (const f of manifest.files)
    assert.is(
      createHash('sha256')
        .update(readFileSync(join(out, f.path)))
        .digest('hex'),
      f.sha256,
      f.path,
    )
  assert.ok(manifest.files.some((f: { path: string }) => f.path === 'apps/patient-api/appspec.yml'))
})

test('--check: 0 when up to date, 1 with a unified diff when a file was edited by hand', () => {
  const out = join(tmp(), 'production')
  ops('render', 'production', '--out', out)
  assert.is(ops('render', 'production', '--out', out, '--check').status, 0)
  const vhost = join(out, 'apps/patient-api/nginx/patient-api.conf')
  writeFileSync(vhost, readFileSync(vhost, 'utf8').replace('client_max_body_size 10m;', 'client_max_body_size 100m;'))
  const r = ops('render', 'production', '--out', out, '--check')
  assert.is(r.status, 1)
  assert.match(r.stdout, '--- a/apps/patient-api/nginx/patient-api.conf')
  assert.match(r.stdout, '-    client_max_body_size 100m;\n+    client_max_body_size 10m;')
  assert.match(r.stderr, '1 file(s) in')
})

test('invalid configuration: exit 1 and the previous output stays exactly as it was', () => {
  const out = join(tmp(), 'production')
  ops('render', 'production', '--out', out)
  const before = readFileSync(join(out, 'manifest.json'), 'utf8')
  const r = ops('render', 'production', '--root', 'tests/fixtures/broken', '--out', out)
  assert.is(r.status, 1)
  assert.match(r.stderr, "tests/fixtures/broken/apps/patient-api.yaml:11:1: unknown key 'prot'")
  assert.is(readFileSync(join(out, 'manifest.json'), 'utf8'), before)
})

test('a write that fails half-way leaves the previous tree and no temp folder', () => {
  const dir = tmp()
  const out = join(dir, 'env')
  writeTreeAtomically(out, [{ path: 'a.txt', contents: 'old' }])
  // 'x' as a file and as a folder: the second write fails after the first succeeded.
  assert.throws(() =>
    writeTreeAtomically(out, [
      { path: 'b.txt', contents: 'new' },
      { path: 'x', contents: '1' },
      { path: 'x/y', contents: '2' },
    ]),
  )
  assert.equal(readdirSync(dir), ['env'])
  assert.equal(readdirSync(out), ['a.txt'])
  assert.is(readFileSync(join(out, 'a.txt'), 'utf8'), 'old')
  assert.throws(() => writeTreeAtomically(out, [{ path: '../escape.txt', contents: 'x' }]), /outside/)
  assert.not.ok(existsSync(join(dir, 'escape.txt')))
})

test('usage errors exit 2', () => {
  assert.is(ops('render').status, 2)
  assert.is(ops('render', 'a', 'b').status, 2)
})

test.run()
