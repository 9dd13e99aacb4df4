// The edge of rendering: templates read from a root's cloudformation/ and from this checkout's nginx/, each folder once,
// and the render of a Model with them (temp folders).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { StackParameterError } from '../../scripts/lib/render/stack-files.ts'
import { loadNginxTemplates, loadRenderInputs, readTemplates, renderAll } from '../../scripts/lib/render/render-all.ts'
import { productionModel } from '../fixtures/model.ts'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'render-all-'))
  dirs.push(dir)
  return dir
}
const write = (root: string, files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** productionModel's API apps: its portal has no staticRoot, which the real vhost template needs. */
const apiModel = () => {
  const model = productionModel()
  return { ...model, apps: model.apps.filter((a) => a.kind === 'api') }
}
const bucket = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n'

test("a root's templates: its .yaml files only, by name, parsed", () => {
  const root = write(tempDir(), {
    'cloudformation/b.yaml': `Parameters:\n  Name:\n    Type: String\n${bucket}`,
    'cloudformation/a.yaml': bucket,
    'cloudformation/notes.md': '# not a template\n',
  })
  const templates = readTemplates(root)
  assert.equal([...templates.keys()], ['a.yaml', 'b.yaml'])
  assert.equal(templates.get('a.yaml'), { Parameters: {}, Resources: { B: { Type: 'AWS::S3::Bucket' } } })
  assert.equal(templates.get('b.yaml')!.Parameters, { Name: { Type: 'String' } })
})

test('each root is read once per process; another root is read for itself', () => {
  const root = write(tempDir(), { 'cloudformation/a.yaml': bucket })
  const first = readTemplates(root)
  write(root, { 'cloudformation/z.yaml': bucket })
  assert.ok(readTemplates(root) === first)
  assert.equal([...readTemplates(root).keys()], ['a.yaml'])
  const other = write(tempDir(), { 'cloudformation/z.yaml': bucket })
  assert.equal([...readTemplates(other).keys()], ['z.yaml'])
})

test('a root without cloudformation/ cannot render, and says which folder it looked for', () => {
  const root = tempDir()
  assert.throws(
    () => readTemplates(root),
    (e: Error) => e.message.includes(`'${join(root, 'cloudformation')}'`),
  )
})

test('nginx/ as text: every file under it by its relative path, sorted, read once per process', () => {
  const dir = write(tempDir(), {
    'vhost.conf.njk': 'server {}\n',
    'snippets/gzip.conf': 'gzip on;\n',
    'partials/proxy.njk': 'proxy_pass x;\n',
  })
  const loaded = loadNginxTemplates(dir)
  assert.equal(
    [...loaded.files],
    [
      ['partials/proxy.njk', 'proxy_pass x;\n'],
      ['snippets/gzip.conf', 'gzip on;\n'],
      ['vhost.conf.njk', 'server {}\n'],
    ],
  )
  write(dir, { 'vhost.conf.njk': 'changed\n' })
  assert.ok(loadNginxTemplates(dir) === loaded)
  assert.is(loadNginxTemplates(dir).files.get('vhost.conf.njk'), 'server {}\n')
})

test("the inputs of a root: its cloudformation/, but always this checkout's nginx/, never the root's", () => {
  const root = write(tempDir(), {
    'cloudformation/only.yaml': bucket,
    'nginx/vhost.conf.njk': '{{ "a pull request\'s template" }}\n',
  })
  const inputs = loadRenderInputs(root)
  assert.equal([...inputs.stacks!.keys()], ['only.yaml'])
  assert.ok(inputs.nginx === loadNginxTemplates())
  assert.ok(inputs.nginx.files.has('partials/proxy.njk'))
})

test("renderAll renders with the root's templates: one missing there is a stack parameter error", () => {
  const root = tempDir()
  cpSync(new URL('../../cloudformation', import.meta.url).pathname, join(root, 'cloudformation'), { recursive: true })
  rmSync(join(root, 'cloudformation/data.yaml'))
  const refusal = (() => {
    try {
      renderAll(apiModel(), root)
      return 'rendered'
    } catch (e) {
      return `${e instanceof StackParameterError ? '' : 'NOT A StackParameterError: '}${(e as Error).message}`
    }
  })()
  assert.is(
    refusal,
    'stack parameters do not match their templates:\n  drsignet-production-data: no template cloudformation/data.yaml',
  )
})

test("by default, this checkout's templates: every stack's files, and diagram.svg from the layout given", () => {
  const model = apiModel()
  const files = renderAll(model, undefined, (dot) => `<svg>${dot.length}</svg>`)
  const paths = files.map((f) => f.path)
  assert.ok(paths.includes('cloudformation/stacks.json'))
  assert.ok(paths.includes('cloudformation/drsignet-production-data.params.json'))
  assert.match(files.find((f) => f.path === 'diagram.svg')!.contents, /^<svg>\d+<\/svg>$/)
  assert.ok(paths.includes('apps/doctor-api/nginx/drsignet/proxy.conf'))
  assert.not.ok(renderAll(model).some((f) => f.path === 'diagram.svg'))
})

test.run()
