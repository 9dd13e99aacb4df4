// mapBounded: at most `limit` calls in flight, results in order, and nothing left running after a failure (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mapBounded } from '../../scripts/lib/apply/bounded.ts'

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('results come in the order of the items, whatever order the calls finish in; never more than limit at once', async () => {
  let inFlight = 0
  let most = 0
  const out = await mapBounded([30, 5, 20, 1, 10], 2, async (ms) => {
    most = Math.max(most, ++inFlight)
    await tick(ms)
    inFlight--
    return ms * 2
  })
  assert.equal(out, [60, 10, 40, 2, 20])
  assert.is(most, 2)
  assert.equal(await mapBounded([], 4, async () => 1), [])
})

test('a failure starts nothing new and is thrown once the calls in flight have finished', async () => {
  const started: number[] = []
  const finished: number[] = []
  const err = await mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
    started.push(n)
    if (n === 2) throw new Error('stack 2 failed')
    await tick(20)
    finished.push(n)
    return n
  }).catch((e: Error) => e)
  assert.instance(err, Error)
  assert.is((err as Error).message, 'stack 2 failed')
  assert.equal(started, [1, 2], 'no call starts after the failure')
  assert.equal(finished, [1], 'the call in flight finished before the error was thrown')
})

test.run()
