// Reading a folder into bundle entries (sorted, modes normalised, dot-files kept), the hooks an app bundle carries,
// and a bundle written under its content hash (temp files).
import { createHash } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  appHookEntries,
  BACKUP_HOOK_LIBS,
  buildBundle,
  hooksDir,
  isBackupHook,
  readFolder,
} from '../../scripts/lib/bundle/build.ts'
import { unpackEntries } from '../../scripts/lib/bundle/tar.ts'
import { fixtureApp } from '../fixtures/model.ts'

const dirs: string[] = []
const tempDir = (files: Record<string, [string, number]> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-build-'))
  dirs.push(dir)
  for (const [path, [text, mode]] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
    chmodSync(join(dir, path), mode)
  }
  return dir
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const listed = (entries: { path: string; mode: number; data: Buffer }[]) =>
  entries.map((e) => [e.path, e.mode.toString(8), e.data.toString()])

test('a folder: every file below it, sorted by name at each level, dot-files kept, empty folders dropped', () => {
  const dir = tempDir({
    'b.txt': ['b', 0o644],
    'a.txt': ['a', 0o644],
    'a/z.js': ['z', 0o644],
    '.env.example': ['X=1', 0o644],
    'dist/.hidden/x': ['x', 0o644],
  })
  mkdirSync(join(dir, 'empty'))
  assert.equal(listed(readFolder(dir)), [
    ['.env.example', '644', 'X=1'],
    ['a/z.js', '644', 'z'],
    ['a.txt', '644', 'a'],
    ['b.txt', '644', 'b'],
    ['dist/.hidden/x', '644', 'x'],
  ])
  assert.equal(listed(readFolder(dir, 'dist')), [['dist/.hidden/x', '644', 'x']])
})

test('modes are 0755 when any execute bit is set, else 0644, whatever the owner had', () => {
  const dir = tempDir({
    'owner-only.sh': ['', 0o700],
    'others-only': ['', 0o601],
    'private.json': ['', 0o600],
    'group-write': ['', 0o664],
  })
  assert.equal(
    readFolder(dir).map((e) => [e.path, e.mode.toString(8)]),
    [
      ['group-write', '644'],
      ['others-only', '755'],
      ['owner-only.sh', '755'],
      ['private.json', '644'],
    ],
  )
})

test("an app bundle's hooks: the hooks folder without backup/, which is the backup tool's alone", () => {
  const root = tempDir({
    'hooks/after-install.sh': ['#!/bin/sh\n', 0o755],
    'hooks/lib/common.sh': ['# lib\n', 0o644],
    'hooks/backup/after-install.sh': ['#!/bin/sh\n', 0o755],
    'hooks/backupish.sh': ['#!/bin/sh\n', 0o755],
  })
  assert.is(hooksDir(root), join(root, 'hooks'))
  assert.equal(
    appHookEntries(root).map((e) => `${e.path} ${e.mode.toString(8)}`),
    ['after-install.sh 755', 'backupish.sh 755', 'lib/common.sh 644'],
  )
  assert.equal(['backup/lib.sh', 'backupish.sh', 'lib/backup.sh'].map(isBackupHook), [true, false, false])
})

test("by default, this checkout's hooks; the libraries the backup hooks need are there", () => {
  assert.is(hooksDir(), fileURLToPath(new URL('../../hooks', import.meta.url)))
  const paths = appHookEntries().map((e) => e.path)
  assert.ok(paths.includes('after-install.sh') && paths.includes('lib/common.sh'), paths.join(' '))
  assert.equal(
    paths.filter((p) => p.startsWith('backup/')),
    [],
  )
  assert.equal(
    BACKUP_HOOK_LIBS.filter((lib) => !existsSync(join(hooksDir(), lib))),
    [],
  )
})

test('a bundle is written, folder and all, as APP-VERSION-HASH.tar.gz, with its hash and size, and no temp file', async () => {
  const artifact = tempDir({ 'dist/server.js': ['console.log(1)\n', 0o644] })
  const outDir = join(tempDir(), 'out', 'nested')
  const rendered = [{ path: 'appspec.yml', contents: 'version: 0.0\n' }]
  const built = await buildBundle(fixtureApp({ version: '2.0.1' }), rendered, { artifactDir: artifact, outDir })
  const bytes = readFileSync(built.file)
  assert.is(built.sha256, createHash('sha256').update(bytes).digest('hex'))
  assert.is(built.bytes, bytes.length)
  assert.is(built.file, join(outDir, `patient-api-2.0.1-${built.sha256.slice(0, 12)}.tar.gz`))
  assert.equal(readdirSync(outDir), [`patient-api-2.0.1-${built.sha256.slice(0, 12)}.tar.gz`])
  const entries = await unpackEntries(bytes)
  assert.equal(
    entries.filter((e) => !e.path.startsWith('hooks/')).map((e) => [e.path, e.data.toString()]),
    [
      ['app/dist/server.js', 'console.log(1)\n'],
      ['appspec.yml', 'version: 0.0\n'],
    ],
  )
  assert.equal(
    entries.filter((e) => e.path.startsWith('hooks/')).map((e) => e.path),
    appHookEntries().map((e) => `hooks/${e.path}`),
  )
})

test('another artifact is another file beside the first; the same one again is the same file', async () => {
  const outDir = tempDir()
  const build = (server: string) =>
    buildBundle(fixtureApp(), [], { artifactDir: tempDir({ 'server.js': [server, 0o644] }), outDir })
  const one = await build('1\n')
  const two = await build('2\n')
  const again = await build('1\n')
  assert.is.not(one.file, two.file)
  assert.is(again.file, one.file)
  assert.equal(readdirSync(outDir).sort(), [one.file, two.file].map((f) => f.slice(outDir.length + 1)).sort())
})

test.run()
