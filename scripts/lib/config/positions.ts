// Finds the line and column of a path inside a parsed YAML document (pure).
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml'
import type { Problem } from './model.ts'
import type { Source } from './source.ts'

export type Path = (string | number)[]

/** JSON Pointer (as ajv reports it) to path segments. */
export const pointerToPath = (pointer: string): Path =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))

const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : undefined)

/**
 * The node to point at for `path`: the key itself when `at` is 'key', otherwise the value.
 * When the path leaves the written document (a key brought in by a merge key), it stops at the `<<`.
 */
export function nodeAt(source: Source, path: Path, at: 'key' | 'value' = 'value'): Node | undefined {
  let node = source.doc.contents as Node | null
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p) === String(seg))
      if (!pair) return (node.items.find((p) => keyOf(p) === '<<')?.key as Node | undefined) ?? node
      if (last && at === 'key') return pair.key as Node
      node = (pair.value as Node | null) ?? (pair.key as Node)
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined
      if (!item) return node
      node = item
    } else {
      return node ?? undefined
    }
  }
  return node ?? undefined
}

export function positionOf(source: Source, path: Path, at: 'key' | 'value' = 'value'): { line: number; col: number } {
  const node = nodeAt(source, path, at)
  const offset = node?.range?.[0] ?? 0
  return source.lines.linePos(offset)
}

export const problemAt = (
  source: Source,
  path: Path,
  message: string,
  rule: string,
  at: 'key' | 'value' = 'value',
): Problem => ({
  file: source.file,
  ...positionOf(source, path, at),
  message,
  rule,
})

/** `/apps/patient-api/port` style, as people read paths in messages. */
export const showPath = (path: Path) => (path.length ? '/' + path.join('/') : 'the top level')
