// Graphviz's layout as loaded: DOT in, a standalone SVG out, the same every time, a bad graph refused (WebAssembly,
// in process).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadLayout } from '../../scripts/lib/render/diagram-layout.ts'

const layout = await loadLayout()
const titles = (svg: string) =>
  [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!.replace(/&#45;/g, '-').replace(/&gt;/g, '>'))
const size = (svg: string) => {
  const m = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg)
  if (!m) throw new Error(`no <svg width height> in ${svg.slice(0, 300)}`)
  return { width: Number(m[1]), height: Number(m[2]) }
}

test('a graph comes out as an SVG document with a titled group per graph, node and edge', () => {
  const svg = layout('digraph G { a -> b }')
  assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'), svg.slice(0, 80))
  assert.ok(svg.trimEnd().endsWith('</svg>'))
  assert.equal(titles(svg), ['G', 'a', 'b', 'a->b'])
  assert.equal(
    [...svg.matchAll(/<g id="(\w+)" class="(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`),
    ['graph0 graph', 'node1 node', 'node2 node', 'edge1 edge'],
  )
})

test('the layout follows the graph: top to bottom is tall, left to right is wide', () => {
  const down = size(layout('digraph G { a -> b -> c }'))
  const across = size(layout('digraph G { rankdir=LR; a -> b -> c }'))
  assert.ok(down.height > down.width, JSON.stringify(down))
  assert.ok(across.width > across.height, JSON.stringify(across))
})

test('the same graph lays out byte for byte the same, in one layout and in another loaded after it', async () => {
  const dot = 'digraph G { rankdir=LR; subgraph cluster_x { label="x"; a; b } a -> b; b -> c [label="443"] }'
  const again = await loadLayout()
  assert.is(layout(dot), layout(dot))
  assert.is(again(dot), layout(dot))
})

test('a graph Graphviz cannot read is refused with its line, and the layout still works after it', () => {
  assert.throws(
    () => layout('digraph { a -> '),
    (e: Error) => e.message === 'syntax error in line 1\n',
  )
  assert.equal(titles(layout('digraph H { x }')), ['H', 'x'])
})

test.run()
