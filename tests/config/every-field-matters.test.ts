// No silent ignores: every value of the sample's YAML, changed in turn, either changes what render writes (for some
// environment) or is refused by validate. A field that does neither would let a reviewer approve a change with no
// effect (reads the sample once, renders in memory).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml'
import { loadConfig } from '../../scripts/lib/config/load.ts'
import { readInputs } from '../../scripts/lib/config/read.ts'
import { renderAll } from '../../scripts/lib/render/render-all.ts'

const { envFiles, appFiles } = readInputs('.')
const files = [...envFiles, ...appFiles]
const render = (inputs: typeof files) => {
  const r = loadConfig(
    inputs.filter((f) => f.file.startsWith('environments/')),
    inputs.filter((f) => f.file.startsWith('apps/')),
  )
  if (r.problems.length) return undefined
  return JSON.stringify(r.models.map((m) => renderAll(m)))
}
const baseline = render(files)

type Leaf = { path: (string | number)[]; value: unknown }
function leaves(node: Node | null, path: (string | number)[] = []): Leaf[] {
  if (isMap(node))
    return node.items.flatMap((p) => leaves(p.value as Node, [...path, String((p.key as { value: unknown }).value)]))
  if (isSeq(node)) return node.items.flatMap((n, i) => leaves(n as Node, [...path, i]))
  if (isScalar(node)) return [{ path, value: node.value }]
  return []
}
// A different value of the same kind: what a reviewer could see in a one-line diff.
const mutate = (v: unknown): unknown =>
  typeof v === 'number' ? (Number.isInteger(v) ? v + 1 : v * 2) : typeof v === 'boolean' ? !v : `${String(v)}x`

test('the sample renders at all (the baseline)', () => {
  assert.ok(baseline && baseline.length > 10_000)
})

test('every value, changed, changes the render or is refused', () => {
  const ignored: string[] = []
  let tried = 0
  for (const f of files) {
    const doc = parseDocument(Buffer.from(f.bytes).toString('utf8'))
    for (const leaf of leaves(doc.contents as Node)) {
      // Descriptions are for people reading the YAML; nothing deploys them.
      if (leaf.path[0] === '$schema' || (f.file.startsWith('apps/') && leaf.path.join('.') === 'description')) continue
      const copy = doc.clone()
      copy.setIn(leaf.path, mutate(leaf.value))
      const changed = files.map((g) => (g === f ? { file: g.file, bytes: Buffer.from(copy.toString()) } : g))
      tried++
      const out = render(changed)
      if (out !== undefined && out === baseline)
        ignored.push(
          `${f.file}: ${leaf.path.join('.')} (${JSON.stringify(leaf.value)} → ${JSON.stringify(mutate(leaf.value))})`,
        )
    }
  }
  console.log(`every-field: ${tried} values changed in turn, ${ignored.length} with no effect`)
  assert.ok(tried > 200, `only ${tried} values`)
  assert.equal(ignored, [])
})

test.run()
