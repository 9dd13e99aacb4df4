// The throughput meter of long streams: counts, rates and a line at most every so often (pure, clock stubbed).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatMB, Meter } from '../../scripts/lib/backup/progress.ts'

const MB = 1024 * 1024

/** Runs fn with Date.now() reading the given clock. */
function atClock<T>(clock: { now: number }, fn: () => T): T {
  const real = Date.now
  Date.now = () => clock.now
  try {
    return fn()
  } finally {
    Date.now = real
  }
}

test('formatMB: one decimal, binary megabytes', () => {
  assert.is(formatMB(0), '0.0 MB')
  assert.is(formatMB(1.25 * MB), '1.3 MB')
})

test('a line says documents, bytes, their rates and the compressed size, over the time since start', () => {
  const clock = { now: 1_000_000 }
  const lines: string[] = []
  atClock(clock, () => {
    const meter = new Meter('backup drsignet.patients', (l) => lines.push(l), 2000)
    clock.now += 500
    meter.add(100, 2 * MB) // the first add prints: nothing was said yet
    clock.now += 1000
    meter.add(100, 2 * MB) // 1 s after the last line: quiet
    clock.now += 1500
    meter.extraBytes = 1 * MB
    meter.add(200, 4 * MB) // 2.5 s after it: a line
    assert.is(lines.length, 2)
    assert.is(lines[1], 'backup drsignet.patients: 400 docs (133 docs/s), 8.0 MB (2.7 MB/s), 1.0 MB compressed, 3.0 s')
    assert.is(meter.line(), lines[1])
  })
})

test('a meter read at once does not divide by zero', () => {
  const clock = { now: 5 }
  atClock(clock, () => assert.match(new Meter('restore', () => {}).line(), /^restore: 0 docs \(0 docs\/s\), 0\.0 MB/))
})

test.run()
