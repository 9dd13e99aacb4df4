// The environment's picture: laid out by Graphviz (WebAssembly) into SVG, every app, port, host, instance group, the
// database, its backups and every topic appear as text; the Mermaid version names the same; no value can add a node.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { environmentDiagram, toDot, toMermaid, type Diagram } from '../../scripts/lib/render/diagram.ts'
import { loadLayout } from '../../scripts/lib/render/diagram-layout.ts'

const layout = await loadLayout()
const xmlText = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#45;/g, '-')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
/** Every <text> of the SVG, as a reader sees it. */
const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => xmlText(m[1]!))

for (const env of ['staging', 'production']) {
  test(`${env}: every app, port, host, group, the database, backups and topics are in the SVG and the Mermaid`, () => {
    const model = readModel('.', env)
    const d = environmentDiagram(model)
    const svg = layout(toDot(d))
    assert.ok(svg.startsWith('<?xml') && svg.includes('</svg>'), svg.slice(0, 200))
    const texts = svgTexts(svg).join('\n')
    const mermaid = toMermaid(d)
    const expected = [
      ...model.apps.flatMap((a) => [a.name, `:${a.proxyPort}`, `127.0.0.1:${a.port}`, ...a.hosts]),
      ...model.env.instanceGroups.map((g) => `instance group ${g.name}`),
      model.env.database.address,
      `MongoDB :${model.env.network.mongoPort}`,
      model.env.backup.bucket,
      model.env.network.vpnClientCidr,
      ...model.env.notifications.map((t) => `topic ${t.name}`),
      ...model.env.alarms.map((a) => a.name),
    ]
    const missing = (text: string) => expected.filter((e) => !text.includes(e))
    assert.equal(missing(texts), [], 'in the SVG')
    assert.equal(missing(mermaid), [], 'in the Mermaid')
    // One node per model element, one cluster per instance group: nothing dropped, nothing invented.
    assert.is((svg.match(/<g id="node\d+" class="node">/g) ?? []).length, d.nodes.length)
    assert.is((svg.match(/<g id="clust\d+" class="cluster">/g) ?? []).length, model.env.instanceGroups.length)
    assert.is((svg.match(/<g id="edge\d+" class="edge">/g) ?? []).length, d.edges.length)
  })
}

test('a quote, a backslash or a line break in a value stays text: it adds no node, edge or attribute', () => {
  const hostile = 'x"]; evil [label="pwned"]; "y\\\nz -->|boom| n0 %%{init: {"theme": "dark"}}%%'
  const d: Diagram = {
    title: hostile,
    nodes: [
      { id: hostile, lines: [hostile, 'second'], shape: 'box' },
      { id: 'b', lines: ['b'], shape: 'note' },
    ],
    edges: [{ from: hostile, to: 'b', label: hostile }],
    clusters: [{ label: hostile, nodes: ['b'] }],
  }
  const svg = layout(toDot(d))
  assert.is((svg.match(/class="node"/g) ?? []).length, 2)
  assert.is((svg.match(/class="edge"/g) ?? []).length, 1)
  assert.not.ok(svgTexts(svg).includes('pwned'), 'a label of its own would mean an injected node')
  assert.ok(
    svgTexts(svg).some((t) => t.includes('evil [label="pwned"]')),
    svgTexts(svg).join('\n'),
  )
  const mermaid = toMermaid(d)
  assert.not.ok(mermaid.includes('"pwned"'))
  // An edge statement starts with a generated id; the hostile text's own arrows stay inside quoted labels.
  assert.is(mermaid.split('\n').filter((l) => /^\s*n\d+ (-->|-\.->)/.test(l)).length, 1)
  assert.ok(
    mermaid.split('\n').every((l) => (l.match(/"/g) ?? []).length % 2 === 0),
    mermaid,
  )
  assert.ok(mermaid.includes('#quot;pwned#quot;'))
  assert.not.ok(mermaid.includes('%%') || mermaid.includes('\\'), 'no directive, no escape in the YAML title')
})

test.run()
