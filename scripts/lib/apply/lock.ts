// Takes and releases the environment lock, refusing while another apply holds it and naming a stale one (I/O through EnvLock).
import { randomUUID } from 'node:crypto'
import type { EnvLock, LockRecord } from '../aws/env-lock.ts'

export class LockHeldError extends Error {}

export const isStale = (r: LockRecord, now: Date) => now.getTime() - Date.parse(r.acquiredAt) > r.ttlSeconds * 1000

export function describeHolder(r: LockRecord | undefined, now: Date): string {
  if (!r) return 'an unreadable lock record'
  const age = Math.round((now.getTime() - Date.parse(r.acquiredAt)) / 1000)
  return `${r.holder} (commit ${r.commit}) since ${r.acquiredAt}, ${age} s ago`
}

export type Held = { record: LockRecord; release: () => Promise<void> }

/** A lock outlives an apply that died without releasing it by this long, unless --lock-ttl says otherwise. */
export const DEFAULT_LOCK_TTL_S = 7200

/** Who takes the lock, from a run's runtime and its --lock-ttl and --force-unlock (apply and rollback alike). */
export const lockHolder = (
  rt: { who: string; commit: string; now: () => Date; log: (l: string) => void },
  opts: { lockTtlSeconds?: number; forceUnlock?: boolean },
) => ({
  holder: rt.who,
  commit: rt.commit,
  ttlSeconds: opts.lockTtlSeconds ?? DEFAULT_LOCK_TTL_S,
  now: rt.now(),
  forceUnlock: opts.forceUnlock,
  log: rt.log,
})

/**
 * A stale lock (older than its TTL) is reported, never taken over silently: its apply may still be running
 * a long deployment. --force-unlock clears any lock first.
 */
export async function acquireLock(
  lock: EnvLock,
  who: {
    holder: string
    commit: string
    ttlSeconds: number
    now: Date
    forceUnlock?: boolean
    log: (l: string) => void
  },
): Promise<Held> {
  if (who.forceUnlock) {
    const old = await lock.read()
    if (old) who.log(`lock: cleared ${lock.where} held by ${describeHolder(old, who.now)} (--force-unlock)`)
    await lock.clear()
  }
  const record: LockRecord = {
    holder: who.holder,
    commit: who.commit,
    acquiredAt: who.now.toISOString(),
    ttlSeconds: who.ttlSeconds,
    token: randomUUID(),
  }
  const r = await lock.tryAcquire(record)
  if (!r.acquired) {
    const stale = r.held && isStale(r.held, who.now)
    throw new LockHeldError(
      stale
        ? `lock: ${lock.where} is stale: held by ${describeHolder(r.held, who.now)}, past its TTL of ${r.held!.ttlSeconds} s. If that apply is gone, run again with --force-unlock.`
        : `lock: another apply holds ${lock.where}: ${describeHolder(r.held, who.now)}. Wait for it to finish (or, if it is gone, use --force-unlock).`,
    )
  }
  who.log(`lock: acquired ${lock.where}`)
  return {
    record,
    release: async () => {
      // Only our own lock: a --force-unlock by someone else may have replaced it.
      const now = await lock.read()
      if (now?.token === record.token) await lock.clear()
      who.log('lock: released')
    },
  }
}
