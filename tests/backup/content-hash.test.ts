import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'

const docs = ['a', 'b', 'c'].map((s) => Buffer.from(s))

test('does not depend on document order', () => {
  const h1 = new ContentHash()
  const h2 = new ContentHash()
  docs.forEach((d) => h1.add(d))
  ;[...docs].reverse().forEach((d) => h2.add(d))
  assert.is(h1.hex(), h2.hex())
  assert.is(h1.hex().length, 64)
})

test('changes when any document changes, is zero for none', () => {
  const h1 = new ContentHash().add(docs[0]).add(docs[1])
  const h2 = new ContentHash().add(docs[0]).add(Buffer.from('B'))
  assert.is.not(h1.hex(), h2.hex())
  assert.is(new ContentHash().hex(), '0'.repeat(64))
})

test.run()
