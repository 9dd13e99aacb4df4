// Where a path sits in a YAML file: the line and column every problem is reported at (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pointerToPath, positionOf, problemAt, showPath } from '../../scripts/lib/config/positions.ts'
import { parseSource, type Source } from '../../scripts/lib/config/source.ts'

const text = [
  'name: staging', // 1
  'defaults: &d', // 2
  '  port: 3001', // 3
  'apps:', // 4
  '  patient-api:', // 5
  '    <<: *d', // 6
  '    hosts:', // 7
  '      - a.example.com', // 8
  '      - b.example.com', // 9
  '',
].join('\n')
const source: Source = parseSource('environments/staging.yaml', Buffer.from(text)).source!

test('a value, or its key, by path through maps and lists', () => {
  assert.equal(positionOf(source, ['name']), { line: 1, col: 7 })
  assert.equal(positionOf(source, ['apps', 'patient-api', 'hosts', 1]), { line: 9, col: 9 })
  assert.equal(positionOf(source, ['apps', 'patient-api'], 'key'), { line: 5, col: 3 })
})

test('a path that leaves what is written stops at the nearest written place', () => {
  // A key a merge key brought in points at the `<<` that brought it.
  assert.equal(positionOf(source, ['apps', 'patient-api', 'port']), { line: 6, col: 5 })
  // An item past the end of a list points at the list; a key under a scalar at the scalar.
  assert.equal(positionOf(source, ['apps', 'patient-api', 'hosts', 5]), { line: 8, col: 7 })
  assert.equal(positionOf(source, ['name', 'first']), { line: 1, col: 7 })
})

test('a problem carries the file and the position', () => {
  assert.equal(problemAt(source, ['apps', 'patient-api', 'hosts', 0], 'clash', 'hosts'), {
    file: 'environments/staging.yaml',
    line: 8,
    col: 9,
    message: 'clash',
    rule: 'hosts',
  })
})

test('JSON Pointers (escapes included) to paths, and paths as people read them', () => {
  assert.equal(pointerToPath(''), [])
  assert.equal(pointerToPath('/apps/a~1b/x~0y/0'), ['apps', 'a/b', 'x~y', '0'])
  assert.is(showPath(['apps', 'patient-api', 'port']), '/apps/patient-api/port')
  assert.is(showPath([]), 'the top level')
})

test.run()
