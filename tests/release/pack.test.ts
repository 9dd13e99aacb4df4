// Packing an app's build output into a release: what it holds and leaves out, the same tree the same bytes, an empty
// one refused (temp files; unpacks in memory).
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { unpackEntries } from '../../scripts/lib/bundle/tar.ts'
import { packRelease } from '../../scripts/lib/release/pack.ts'

const dirs: string[] = []
const tempDir = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'release-pack-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const app = {
  'package.json': '{"name":"patient-api"}\n',
  'dist/server.js': 'console.log(1)\n',
  'node_modules/x/index.js': 'module.exports = 1\n',
  '.env.example': 'PORT=3001\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.npm/_cacache/index': 'cache\n',
}

test("the build output as it runs: node_modules and dot-files kept, the repository's .git and npm's cache left out", async () => {
  const packed = await packRelease(tempDir(app))
  const entries = await unpackEntries(packed.gz)
  assert.equal(
    entries.map((e) => [e.path, e.data.toString()]),
    [
      ['.env.example', 'PORT=3001\n'],
      ['dist/server.js', 'console.log(1)\n'],
      ['node_modules/x/index.js', 'module.exports = 1\n'],
      ['package.json', '{"name":"patient-api"}\n'],
    ],
  )
  assert.is(packed.files, 4)
  assert.is(packed.sha256, createHash('sha256').update(packed.gz).digest('hex'))
})

test('the same tree gives the same bytes, whatever the file times and write bits; a changed file changes them', async () => {
  const first = tempDir(app)
  const second = tempDir(app)
  utimesSync(join(second, 'package.json'), new Date('2001-01-01'), new Date('2001-01-01'))
  chmodSync(join(second, 'dist/server.js'), 0o600)
  const a = await packRelease(first)
  const b = await packRelease(second)
  assert.is(b.sha256, a.sha256)
  assert.ok(b.gz.equals(a.gz))
  writeFileSync(join(second, 'dist/server.js'), 'console.log(2)\n')
  assert.is.not((await packRelease(second)).sha256, a.sha256)
  chmodSync(join(first, 'dist/server.js'), 0o755)
  assert.is.not((await packRelease(first)).sha256, a.sha256, 'an executable file is packed as one')
})

test('a folder with nothing to release is refused, naming it', async () => {
  const dir = tempDir({ '.git/HEAD': 'ref: refs/heads/main\n', '.npm/x': 'cache\n' })
  mkdirSync(join(dir, 'dist'))
  const refusal = await packRelease(dir).then(
    () => 'packed',
    (e: Error) => e.message,
  )
  assert.is(refusal, `${dir} holds no files to release`)
})

test.run()
