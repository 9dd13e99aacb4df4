// The environment's picture as a browser draws it: each sample environment's diagram.svg, laid out by Graphviz, is
// opened in headless Chromium; every app, port, host, group, the database, its backups and every topic and alarm must
// be drawn as visible text inside the picture, and no two boxes may overlap.
// I/O: runs Debian's chromium on a file in a temporary folder (no network), which it removes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { environmentDiagram, toDot } from '../../../scripts/lib/render/diagram.ts'
import { loadLayout } from '../../../scripts/lib/render/diagram-layout.ts'
import { requireTool } from '../../harness/tools.ts'

const chromium = requireTool('chromium')
const layout = await loadLayout()
const work = mkdtempSync(join(tmpdir(), 'diagram-chromium-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

type Box = { x: number; y: number; w: number; h: number }
type Drawn = { picture: Box; texts: { text: string; box: Box; visible: boolean }[]; nodes: Box[] }

// Runs in the page once it is laid out: what the browser drew, read back from the DOM it rendered.
const probe = `
const box = (r) => ({ x: r.left, y: r.top, w: r.width, h: r.height })
const svg = document.querySelector('svg')
const drawn = {
  picture: box(svg.getBoundingClientRect()),
  texts: [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: box(t.getBoundingClientRect()), visible: getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none' })),
  nodes: [...svg.querySelectorAll('g.node')].map((n) => box(n.getBoundingClientRect())),
}
document.getElementById('out').textContent = JSON.stringify(drawn)
`

function draw(name: string, svg: string): Drawn {
  const page = join(work, `${name}.html`)
  writeFileSync(
    page,
    `<!doctype html><html><body style="margin:0">${svg.slice(svg.indexOf('<svg'))}<pre id="out"></pre><script>${probe}</script></body></html>`,
  )
  const dom = execFileSync(
    chromium,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--dump-dom', `file://${page}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
  )
  const out = dom.match(/<pre id="out">([\s\S]*?)<\/pre>/)?.[1]
  if (!out) throw new Error(`chromium drew nothing readable for ${name}: ${dom.slice(0, 300)}`)
  return JSON.parse(
    out
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  )
}

const inside = (b: Box, p: Box) =>
  b.x >= p.x - 0.5 && b.y >= p.y - 0.5 && b.x + b.w <= p.x + p.w + 0.5 && b.y + b.h <= p.y + p.h + 0.5
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5

for (const env of ['staging', 'production']) {
  test(`${env}: every app, port, host, group, the database, backups, topics and alarms are drawn, and no boxes overlap`, () => {
    const model = readModel('.', env)
    const d = environmentDiagram(model)
    const drawn = draw(env, layout(toDot(d)))
    const shown = drawn.texts.filter((t) => t.visible && t.box.w > 0 && t.box.h > 0 && inside(t.box, drawn.picture))
    assert.is(
      shown.length,
      drawn.texts.length,
      `drawn outside the picture or invisible: ${drawn.texts
        .filter((t) => !shown.includes(t))
        .map((t) => t.text)
        .join(', ')}`,
    )
    const text = shown.map((t) => t.text).join('\n')
    const expected = [
      ...model.apps.flatMap((a) => [a.name, `:${a.proxyPort}`, `127.0.0.1:${a.port}`, ...a.hosts]),
      ...model.env.instanceGroups.map((g) => `instance group ${g.name}`),
      model.env.database.address,
      model.env.backup.bucket,
      ...model.env.notifications.map((t) => `topic ${t.name}`),
      ...model.env.alarms.map((a) => a.name),
    ]
    assert.equal(
      expected.filter((e) => !text.includes(e)),
      [],
    )
    assert.is(drawn.nodes.length, d.nodes.length)
    const overlapping = drawn.nodes.flatMap((a, i) =>
      drawn.nodes
        .slice(i + 1)
        .filter((b) => overlap(a, b))
        .map(() => i),
    )
    assert.equal(overlapping, [], 'boxes drawn over one another')
  })
}

test.run()
