// Parses one YAML file into a document that keeps source positions, and reports YAML hazards (pure).
import { isMap, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml'
import type { Problem } from './model.ts'
import { uniqueBy } from '../order.ts'

export type Source = { file: string; doc: Document.Parsed; lines: LineCounter }

export const MAX_BYTES = 1024 * 1024
const MAX_ALIASES = 50

const at = (file: string, lines: LineCounter, offset: number, message: string, rule: string): Problem => {
  const { line, col } = lines.linePos(offset)
  return { file, line, col, message, rule }
}

/** Bytes in, a parsed document or the problems that stop it; nothing is thrown. */
export function parseSource(file: string, bytes: Uint8Array): { source?: Source; problems: Problem[] } {
  const fail = (message: string, rule: string, line = 1, col = 1) => ({
    problems: [{ file, line, col, message, rule }],
  })
  if (bytes.length > MAX_BYTES)
    return fail(
      `file is ${bytes.length} bytes, over the 1 MiB limit; split it or remove what is not configuration`,
      'yaml-size',
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    const bad = firstInvalidUtf8(bytes)
    return fail(`invalid UTF-8 at byte ${bad.offset}; save the file as UTF-8`, 'yaml-utf8', bad.line, bad.col)
  }
  if (text.split('\n').every((l) => /^\s*(#.*)?$/.test(l)))
    return fail('file is empty; it must hold a mapping', 'yaml-empty')

  const lines = new LineCounter()
  // Tabs are never valid YAML indentation and are easy to paste in unseen.
  const tab = /^[ ]*\t/m.exec(text)
  // A tab derails the parser into a cascade of errors; report the cause alone.
  if (tab) return { problems: [tabProblem(file, text, tab.index + tab[0].length - 1)] }

  const problems: Problem[] = []
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    strict: true,
  })
  for (const e of doc.errors) {
    // A key indented deeper than the one above it: the parser blames the line above; the cause is the line below.
    const deeper =
      e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY'
        ? overIndented(text, e.pos[0])
        : undefined
    if (deeper) {
      problems.push(at(file, lines, deeper.offset, deeper.message, 'yaml-indent'))
      continue
    }
    const message =
      e.code === 'DUPLICATE_KEY'
        ? `duplicate key ${quotedKeyAt(text, e.pos[0])}; each key may appear once in a mapping`
        : e.message.split('\n')[0]
    problems.push(at(file, lines, e.pos[0], message, e.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax'))
  }
  if (problems.length) return { problems: dedupe(problems) }

  let aliases = 0
  visit(doc, {
    Alias: (_, node) => {
      aliases++
      if (aliases === MAX_ALIASES + 1)
        problems.push(
          at(
            file,
            lines,
            node.range?.[0] ?? 0,
            `more than ${MAX_ALIASES} aliases; expanding them could exhaust memory (alias bomb)`,
            'yaml-aliases',
          ),
        )
    },
  })
  if (!problems.length) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIASES })
    } catch (e) {
      problems.push({
        file,
        line: 1,
        col: 1,
        message: `aliases expand too far: ${(e as Error).message}`,
        rule: 'yaml-aliases',
      })
    }
  }
  if (!isMap(doc.contents)) {
    const node = doc.contents as Node | null
    problems.push(
      at(file, lines, node?.range?.[0] ?? 0, 'the document must be a mapping of keys to values', 'yaml-not-mapping'),
    )
  }
  return problems.length ? { problems } : { source: { file, doc, lines }, problems }
}

function tabProblem(file: string, text: string, offset: number): Problem {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const col = offset - before.lastIndexOf('\n')
  return { file, line, col, message: 'tab character in indentation; indent with spaces', rule: 'yaml-tab' }
}

function quotedKeyAt(text: string, offset: number): string {
  const key = /^["']?([^"':\n]+)/.exec(text.slice(offset))?.[1]?.trim()
  return key ? `'${key}'` : ''
}

function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; col: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let lo = 0
  let hi = bytes.length
  // Binary search for the shortest prefix that fails to decode.
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    try {
      decoder.decode(bytes.subarray(0, mid + 1))
      lo = mid + 1
    } catch {
      hi = mid
    }
  }
  let start = lo
  while (start > 0 && (bytes[start - 1]! & 0xc0) === 0x80) start--
  const prefix = bytes.subarray(0, start)
  let line = 1
  let lastNl = -1
  prefix.forEach((b, i) => {
    if (b === 0x0a) {
      line++
      lastNl = i
    }
  })
  return { offset: lo, line, col: lo - lastNl }
}

const dedupe = (ps: Problem[]) => uniqueBy(ps, (p) => `${p.line}:${p.col}:${p.rule}`)

/**
 * The key on the line after `offset` that is indented deeper than the key on `offset`'s line, with a hint: keys of one
 * mapping line up. Undefined when the text does not look like that (the parser's own message is kept then).
 */
function overIndented(text: string, offset: number): { offset: number; message: string } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  const lineEnd = text.indexOf('\n', offset)
  if (lineEnd < 0) return undefined
  const here = /^( *)([^\s:#][^:#]*):/.exec(text.slice(lineStart, lineEnd))
  const nextEnd = text.indexOf('\n', lineEnd + 1)
  const next = /^( *)([^\s:#][^:#]*):/.exec(text.slice(lineEnd + 1, nextEnd < 0 ? undefined : nextEnd))
  if (!here || !next || next[1]!.length <= here[1]!.length) return undefined
  const [want, got] = [here[1]!.length, next[1]!.length]
  return {
    offset: lineEnd + 1 + got,
    message: `'${next[2]!.trim()}' is indented ${got} spaces, deeper than '${here[2]!.trim()}' above it (${want}); keys of one mapping line up, so indent it ${want} spaces (or end '${here[2]!.trim()}' with ':' and nothing after it, to nest it there)`,
  }
}
