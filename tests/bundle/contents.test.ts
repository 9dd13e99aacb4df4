// What goes into an app's revision bundle: rendered files, the artifact under app/, hooks under hooks/ (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bundleEntries, checkedAndSorted } from '../../scripts/lib/bundle/contents.ts'
import { fixtureApp } from '../fixtures/model.ts'

const entry = (path: string, mode = 0o644) => ({ path, data: Buffer.from(path), mode })

test('paths are sorted; one that leaves the bundle or appears twice is refused', () => {
  assert.equal(
    checkedAndSorted([entry('b'), entry('a/z'), entry('a')]).map((e) => e.path),
    ['a', 'a/z', 'b'],
  )
  assert.throws(() => checkedAndSorted([entry('app/../../etc/passwd')]), /escapes the bundle/)
  assert.throws(() => checkedAndSorted([entry('/etc/passwd')]), /escapes the bundle/)
  assert.throws(() => checkedAndSorted([entry('a'), entry('a')]), /bundle path a appears twice/)
})

test('the artifact goes under app/ and hooks under hooks/; the rendered files keep their paths', () => {
  const app = fixtureApp()
  const rendered = [{ path: 'appspec.yml', contents: 'version: 0.0\n' }]
  const entries = bundleEntries(app, rendered, {
    artifact: [entry('dist/server.js')],
    hooks: [entry('application-start.sh', 0o755), entry('lib/common.sh', 0o755)],
  })
  assert.equal(
    entries.map((e) => [e.path, e.mode]),
    [
      ['app/dist/server.js', 0o644],
      ['appspec.yml', 0o644],
      ['hooks/application-start.sh', 0o755],
      ['hooks/lib/common.sh', 0o755],
    ],
  )
  assert.is(entries[1]!.data.toString(), 'version: 0.0\n')
})

test.run()
