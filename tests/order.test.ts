// The shared order and de-duplication helpers (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { byText, compareText, uniqueBy } from '../scripts/lib/order.ts'

test('code-unit order, whatever the locale: upper case before lower, digits first, ties equal', () => {
  assert.equal(['b', 'B', 'a', '10', '9', 'é', 'e'].sort(compareText), ['10', '9', 'B', 'a', 'b', 'e', 'é'])
  assert.is(compareText('x', 'x'), 0)
  assert.equal([{ p: 'z' }, { p: 'a' }].sort(byText((o) => o.p)), [{ p: 'a' }, { p: 'z' }])
})

test('uniqueBy keeps the first of each key, in order', () => {
  const items = [
    { k: 'a', n: 1 },
    { k: 'b', n: 2 },
    { k: 'a', n: 3 },
    { k: 'c', n: 4 },
    { k: 'b', n: 5 },
  ]
  assert.equal(
    uniqueBy(items, (i) => i.k).map((i) => i.n),
    [1, 2, 4],
  )
  assert.equal(uniqueBy([], String), [])
})

test.run()
