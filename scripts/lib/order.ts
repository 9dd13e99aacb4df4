// Deterministic order and de-duplication, one copy for every module: rendered output, bundles and reports must sort
// by code unit (not locale) so two machines give the same bytes (pure).

/** Code-unit order of two strings, as Array.prototype.sort gives it without a comparator. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A comparator by a text key: `files.sort(byText((f) => f.path))`. */
export const byText =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number =>
    compareText(key(a), key(b))

/** The items whose key was not seen before, first one kept, in their order (linear, unlike a findIndex filter). */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const k = key(item)
    return seen.has(k) ? false : (seen.add(k), true)
  })
}
