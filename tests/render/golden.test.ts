// Golden files of the rendered sample; UPDATE_GOLDEN=1 rewrites them. Plus determinism.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { renderAll } from '../../scripts/lib/render/render-all.ts'

const goldenDir = (env: string) => join('tests/fixtures/golden', env)
const list = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => relative(dir, join(d.parentPath, d.name)))
        .sort()
    : []

for (const env of ['production', 'staging']) {
  test(`the ${env} render matches its golden files`, () => {
    const files = renderAll(readModel('.', env))
    const dir = goldenDir(env)
    if (process.env.UPDATE_GOLDEN) {
      rmSync(dir, { recursive: true, force: true })
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true })
        writeFileSync(join(dir, f.path), f.contents)
      }
    }
    assert.equal(
      files.map((f) => f.path),
      list(dir),
      'the same files',
    )
    for (const f of files) assert.fixture(f.contents, readFileSync(join(dir, f.path), 'utf8'), f.path)
  })

  test(`rendering ${env} twice gives byte-identical output`, () => {
    const a = renderAll(readModel('.', env))
    const b = renderAll(readModel('.', env))
    assert.equal(a, b)
  })
}

test.run()
