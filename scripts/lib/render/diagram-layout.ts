// Graphviz's layout, compiled to WebAssembly (@hpcc-js/wasm-graphviz): DOT in, SVG out. Loading it is the only
// asynchronous step; the layout itself is a deterministic function, so render stays one pure pass after it.
import { Graphviz } from '@hpcc-js/wasm-graphviz'
import type { Layout } from './environment.ts'

export async function loadLayout(): Promise<Layout> {
  const graphviz = await Graphviz.load()
  return (dot) => graphviz.dot(dot)
}
