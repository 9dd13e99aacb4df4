// Maps over items with at most `limit` calls in flight, results in the items' order (no I/O of its own).
// A call that throws stops new calls from starting; the error is thrown once the calls in flight have finished, so
// nothing is left running (a change set preview half made, a deployment half followed) behind the caller's back.
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let failed: { error: unknown } | undefined
  const worker = async () => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        out[i] = await fn(items[i]!)
      } catch (error) {
        failed ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failed) throw failed.error
  return out
}
