// withRetry: throttling and transient faults are retried with backoff, other errors and emulator HTML pages are not (pure, fake sleep).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { isRetryable, withRetry } from '../../scripts/lib/aws/retry.ts'

const fault = (name: string, status = 400) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })

test('throttling is retried with growing, capped delays until it succeeds', async () => {
  const delays: number[] = []
  let calls = 0
  const random = Math.random
  Math.random = () => 1 // the full jitter's upper bound, so the delays are exact
  try {
    const r = await withRetry(
      async () => {
        if (++calls < 4) throw fault('ThrottlingException')
        return 'ok'
      },
      {
        baseMs: 100,
        maxMs: 250,
        sleep: async (ms) => {
          delays.push(ms)
        },
      },
    )
    assert.is(r, 'ok')
  } finally {
    Math.random = random
  }
  assert.equal(delays, [100, 200, 250])
})

test('a validation error is thrown at once', async () => {
  let calls = 0
  const e = await withRetry(
    async () => {
      calls++
      throw fault('ValidationError')
    },
    { sleep: async () => {} },
  ).catch((x) => x)
  assert.equal([e.name, calls], ['ValidationError', 1])
})

test('attempts run out with the last error', async () => {
  let calls = 0
  const e = await withRetry(
    async () => {
      calls++
      throw fault('SlowDown', 503)
    },
    { attempts: 3, sleep: async () => {} },
  ).catch((x) => x)
  assert.equal([e.name, calls], ['SlowDown', 3])
})

test('which errors are retryable', () => {
  assert.equal(
    [
      fault('Throttling'),
      fault('RequestLimitExceeded'),
      fault('X', 429),
      fault('X', 503),
      fault('SyntaxError', 500),
      fault('AccessDenied', 403),
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    ].map(isRetryable),
    [true, true, true, true, false, false, true],
  )
})

test('an endpoint that does not answer is given up on within 15 s, and every retry is said', async () => {
  let clock = 0
  const said: string[] = []
  let calls = 0
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
  const random = Math.random
  Math.random = () => 1
  try {
    const e = await withRetry(
      async () => {
        calls++
        throw refused()
      },
      {
        label: 'S3 PutObject',
        report: (l) => said.push(l),
        now: () => clock,
        sleep: async (ms) => {
          clock += ms
        },
      },
    ).catch((x) => x)
    assert.is(e.code, 'ECONNREFUSED')
  } finally {
    Math.random = random
  }
  assert.ok(clock <= 15_000, `waited ${clock} ms`)
  assert.ok(calls < 8, `${calls} calls`)
  assert.equal(said[0], 'retrying S3 PutObject (2/8) after ECONNREFUSED')
  assert.is(said.length, calls - 1)
})

test.run()
