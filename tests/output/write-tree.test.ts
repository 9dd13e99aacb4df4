// build/: a rendered tree is swapped in whole or not at all, and diffs say what a render would change (temp folders).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { diffRenders, diffTree, listTree, writeTreeAtomically } from '../../scripts/lib/output/write-tree.ts'

const work = mkdtempSync(join(tmpdir(), 'write-tree-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

test('the new tree replaces the old one whole: files it no longer has are gone', () => {
  const out = join(work, 'build', 'staging')
  writeTreeAtomically(out, [
    { path: 'a.txt', contents: 'a1\n' },
    { path: 'old/b.txt', contents: 'b\n' },
  ])
  writeTreeAtomically(out, [
    { path: 'a.txt', contents: 'a2\n' },
    { path: 'c/d.txt', contents: 'd\n' },
  ])
  assert.equal(listTree(out), ['a.txt', 'c/d.txt'])
  assert.is(readFileSync(join(out, 'a.txt'), 'utf8'), 'a2\n')
  assert.equal(listTree(join(work, 'nothing')), [])
})

test('a file that would land outside the tree fails the write and leaves the old tree as it was', () => {
  const out = join(work, 'kept')
  writeTreeAtomically(out, [{ path: 'x.txt', contents: 'x\n' }])
  assert.throws(
    () =>
      writeTreeAtomically(out, [
        { path: 'y.txt', contents: 'y\n' },
        { path: '../escape.txt', contents: '!' },
      ]),
    /refusing to write outside/,
  )
  assert.equal(listTree(out), ['x.txt'])
  assert.not.ok(existsSync(join(work, 'escape.txt')))
  assert.equal(
    listTree(work).filter((p) => /\.(tmp|old)-/.test(p)),
    [],
    'no temp folder left behind',
  )
})

test('diffs: changed, added and removed files, each as a unified patch; none when equal', () => {
  const out = join(work, 'diffed')
  writeTreeAtomically(out, [
    { path: 'same.txt', contents: 's\n' },
    { path: 'changed.txt', contents: 'old\n' },
    { path: 'removed.txt', contents: 'r\n' },
  ])
  const wanted = [
    { path: 'same.txt', contents: 's\n' },
    { path: 'changed.txt', contents: 'new\n' },
    { path: 'added.txt', contents: 'n\n' },
  ]
  const patches = diffTree(out, wanted)
  assert.equal(
    patches.map((p) => p.split('\n').slice(1, 3).join(' | ')),
    [
      '--- /dev/null\ton disk | +++ b/added.txt\trendered',
      '--- a/changed.txt\ton disk | +++ b/changed.txt\trendered',
      '--- a/removed.txt\ton disk | +++ /dev/null\trendered',
    ],
  )
  assert.match(patches[1]!, /-old\n\+new/)
  assert.equal(diffRenders(wanted, wanted, ['a', 'b']), [])
})

test.run()
