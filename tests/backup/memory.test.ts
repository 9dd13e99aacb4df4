// Checks gcEvery: a full garbage collection once every N bytes counted (documents at their heap cost), none before,
// even without --expose-gc (no I/O).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DOCUMENT_OVERHEAD, gcEvery } from '../../scripts/lib/backup/memory.ts'

const MiB = 1024 * 1024

const nextJob = () => new Promise((r) => setTimeout(r, 0))

/**
 * A weak reference to an object nothing else holds. Making a WeakRef, or reading one, keeps its target alive until
 * the current job ends, so both wait for the next job before any collection may take the target.
 */
async function garbage(): Promise<WeakRef<object>> {
  const ref = new WeakRef({ payload: new Array(64).fill('garbage') })
  await nextJob()
  return ref
}
async function collected(ref: WeakRef<object>): Promise<boolean> {
  const gone = ref.deref() === undefined
  await nextJob()
  return gone
}

test('nothing is collected before the budget is reached; the byte that reaches it collects the garbage', async () => {
  // Started without --expose-gc: gcEvery has to find the collector itself, as it must in the backup agent.
  assert.is((globalThis as { gc?: unknown }).gc, undefined)
  const count = gcEvery(1000)
  const ref = await garbage()
  count(400)
  count(599)
  assert.not.ok(await collected(ref), 'collected at 999 of 1000 bytes')
  count(1)
  assert.ok(await collected(ref), 'not collected at 1000 bytes')
})

test('the count starts again after a collection: the next one needs a whole budget more', async () => {
  const count = gcEvery(1000)
  count(1500) // one collection; the 500 over the budget do not carry over
  const ref = await garbage()
  count(999)
  assert.not.ok(await collected(ref), 'collected 999 bytes after the previous collection')
  count(1)
  assert.ok(await collected(ref))
})

test('one count larger than the budget collects at once', async () => {
  const count = gcEvery(1000)
  const ref = await garbage()
  count(10_000)
  assert.ok(await collected(ref))
})

test('the default budget is 32 MiB', async () => {
  const count = gcEvery()
  const ref = await garbage()
  count(32 * MiB - 1)
  assert.not.ok(await collected(ref), 'collected before 32 MiB')
  count(1)
  assert.ok(await collected(ref), 'not collected at 32 MiB')
})

test('two counters keep their own totals', async () => {
  const a = gcEvery(1000)
  const b = gcEvery(1000)
  const ref = await garbage()
  a(600)
  b(600)
  assert.not.ok(await collected(ref), 'the counters added up each other’s bytes')
  b(400)
  assert.ok(await collected(ref))
})

test('each document counts its bytes and DOCUMENT_OVERHEAD more: many small ones reach the budget', async () => {
  assert.is(DOCUMENT_OVERHEAD, 2048)
  const count = gcEvery(20 * 1024)
  const ref = await garbage()
  count(9 * 10, 9) // 9 documents of 10 bytes: 18,522 counted
  assert.not.ok(await collected(ref), 'collected before the budget')
  count(10, 1) // the 10th: 20,580
  assert.ok(await collected(ref), 'ten documents of 10 bytes did not count as 20 KiB')
})

test.run()
