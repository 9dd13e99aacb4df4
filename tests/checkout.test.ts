// Where the code finds its checkout: from scripts/lib/ (the sources), from dist/ (the compiled tool), nowhere else
// (copies of the module are imported from temporary folders).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkoutDir, checkoutUrl } from '../scripts/lib/checkout.ts'

const source = fileURLToPath(new URL('../scripts/lib/checkout.ts', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'checkout-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

const copyAt = async (path: string) => {
  mkdirSync(dirname(join(work, path)), { recursive: true })
  copyFileSync(source, join(work, path))
  return import(pathToFileURL(join(work, path)).href)
}

test('from the sources: the folder above scripts/', () => {
  assert.is(checkoutDir, fileURLToPath(new URL('../', import.meta.url)))
  assert.is(checkoutUrl.href, new URL('../', import.meta.url).href)
})

test('from dist/: the folder above it; anywhere else: one line saying where the tool runs from', async () => {
  assert.is((await copyAt('tool/dist/checkout.ts')).checkoutDir, join(work, 'tool/'))
  assert.is((await copyAt('other/scripts/lib/checkout.ts')).checkoutDir, join(work, 'other/'))
  try {
    await copyAt('loose/lib/checkout.ts')
    assert.unreachable('loaded from a folder that is neither')
  } catch (e) {
    assert.is(
      (e as Error).message,
      `${join(work, 'loose/lib/')}: the ops tool runs from scripts/lib/ or dist/ of its checkout, not from here`,
    )
  }
})

test.run()
