import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'

const docs = ['a', 'b', 'c'].map((s) => Buffer.from(s))
const MOD = 1n << 256n
const digest = (d: Buffer) => BigInt('0x' + createHash('sha256').update(d).digest('hex'))
const hex = (n: bigint) => n.toString(16).padStart(64, '0')

test('does not depend on document order', () => {
  const h1 = new ContentHash()
  const h2 = new ContentHash()
  docs.forEach((d) => h1.add(d))
  ;[...docs].reverse().forEach((d) => h2.add(d))
  assert.is(h1.hex(), h2.hex())
  assert.is(h1.hex().length, 64)
})

test('changes when any document changes, is zero for none', () => {
  const h1 = new ContentHash().add(docs[0]!).add(docs[1]!)
  const h2 = new ContentHash().add(docs[0]!).add(Buffer.from('B'))
  assert.is.not(h1.hex(), h2.hex())
  assert.is(new ContentHash().hex(), '0'.repeat(64))
})

test('is the sum of the SHA-256 digests mod 2^256, as manifests written before hold it', () => {
  const h = new ContentHash()
  docs.forEach((d) => h.add(d))
  assert.is(h.hex(), hex(docs.map(digest).reduce((a, b) => a + b) % MOD))
  // sha256("a") is ca978112…: three of it carry out of every word, and out of the top one.
  const many = Array.from({ length: 3 }, () => docs[0]!)
  assert.is(new ContentHash().add(many[0]!).add(many[1]!).add(many[2]!).hex(), hex((3n * digest(docs[0]!)) % MOD))
})

test('plus adds a hash as a number, wrapping at 2^256; refuses what is not one', () => {
  const all = 'f'.repeat(64)
  assert.is(new ContentHash().plus(all).plus(hex(2n)).hex(), hex(1n))
  assert.is(new ContentHash().add(docs[1]!).plus(all).hex(), hex((digest(docs[1]!) + MOD - 1n) % MOD))
  assert.throws(() => new ContentHash().plus('xyz'), /not a content hash: xyz/)
  assert.throws(() => new ContentHash().plus('F'.repeat(64)), /not a content hash/)
})

test.run()
