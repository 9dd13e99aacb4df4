// Deterministic output: every map's keys sorted, recursively (pure).

/**
 * Sorts the keys of every map in `value`. A map stored under a key named in `keepOrderUnder` keeps its own
 * key order (its children are still sorted): the appspec's hooks, whose order is the run order.
 */
export function sortKeys<T>(value: T, keepOrderUnder: readonly string[] = []): T {
  const walk = (v: unknown, keepOrder: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, false))
    if (v === null || typeof v !== 'object') return v
    const keys = Object.keys(v)
    return Object.fromEntries(
      (keepOrder ? keys : keys.sort()).map((k) => [
        k,
        walk((v as Record<string, unknown>)[k], keepOrderUnder.includes(k)),
      ]),
    )
  }
  return walk(value, false) as T
}
