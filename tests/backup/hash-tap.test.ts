// The pass-through stage that hashes and counts an archive as it streams (a stream stage, in memory here).
import { createHash, randomBytes } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashTap } from '../../scripts/lib/backup/hash-tap.ts'

test('passes every byte through unchanged, and knows their SHA-256, size and running totals', async () => {
  const chunks = [randomBytes(1000), randomBytes(1), Buffer.alloc(0), randomBytes(70_000)]
  const totals: number[] = []
  const tap = hashTap((total) => totals.push(total))
  const out: Buffer[] = []
  await pipeline(
    Readable.from(chunks),
    tap.stream,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk)
        done()
      },
    }),
  )
  const all = Buffer.concat(chunks)
  assert.ok(Buffer.concat(out).equals(all))
  assert.is(tap.bytes(), all.length)
  assert.is(tap.sha256(), createHash('sha256').update(all).digest('hex'))
  assert.equal(totals, [1000, 1001, 1001, 71_001])
})

test.run()
