// acquireLock over an in-memory EnvLock: held, stale, force-unlock, and release only of our own lock (pure, no AWS).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { EnvLock, LockRecord } from '../../scripts/lib/aws/env-lock.ts'
import { acquireLock, isStale } from '../../scripts/lib/apply/lock.ts'

function memoryLock(): EnvLock & { value?: LockRecord } {
  const l: EnvLock & { value?: LockRecord } = {
    where: 's3://bucket/locks/prod.json',
    async tryAcquire(r) {
      if (l.value) return { acquired: false, held: l.value }
      l.value = r
      return { acquired: true }
    },
    async read() {
      return l.value
    },
    async clear() {
      l.value = undefined
    },
  }
  return l
}
const at = (iso: string) => new Date(iso)
const who = (holder: string, now: string, extra = {}) => ({
  holder,
  commit: 'c1',
  ttlSeconds: 600,
  now: at(now),
  log: () => {},
  ...extra,
})

test('a held lock refuses a second holder and names the first', async () => {
  const lock = memoryLock()
  await acquireLock(lock, who('run-1', '2026-01-01T00:00:00Z'))
  const e = await acquireLock(lock, who('run-2', '2026-01-01T00:01:00Z')).catch((x) => x)
  assert.is(
    e.message,
    'lock: another apply holds s3://bucket/locks/prod.json: run-1 (commit c1) since 2026-01-01T00:00:00.000Z, 60 s ago. Wait for it to finish (or, if it is gone, use --force-unlock).',
  )
})

test('a stale lock is reported as stale, not taken over', async () => {
  const lock = memoryLock()
  await acquireLock(lock, who('run-1', '2026-01-01T00:00:00Z'))
  const e = await acquireLock(lock, who('run-2', '2026-01-01T00:11:00Z')).catch((x) => x)
  assert.match(e.message, /is stale: held by run-1 .* past its TTL of 600 s/)
  assert.is(lock.value!.holder, 'run-1')
  assert.ok(isStale(lock.value!, at('2026-01-01T00:10:01Z')))
  assert.not.ok(isStale(lock.value!, at('2026-01-01T00:10:00Z')))
})

test('--force-unlock clears it; release removes only our own lock', async () => {
  const lock = memoryLock()
  const logs: string[] = []
  const first = await acquireLock(lock, who('run-1', '2026-01-01T00:00:00Z'))
  const second = await acquireLock(
    lock,
    who('run-2', '2026-01-01T00:02:00Z', { forceUnlock: true, log: (l: string) => logs.push(l) }),
  )
  assert.equal(logs, [
    'lock: cleared s3://bucket/locks/prod.json held by run-1 (commit c1) since 2026-01-01T00:00:00.000Z, 120 s ago (--force-unlock)',
    'lock: acquired s3://bucket/locks/prod.json',
  ])
  await first.release()
  assert.is(lock.value!.holder, 'run-2')
  await second.release()
  assert.is(lock.value, undefined)
})

test.run()
