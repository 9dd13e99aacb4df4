// deploy-local refuses what is not a revision bundle with one line and exit 1, before it boots anything (spawns the
// CLI; temp files).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = new URL('../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'dl-cli-'))
const fleet = join(work, 'fleet')
const ops = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/ops.ts'), 'deploy-local', ...args, '--fleet', fleet],
    { cwd: root, encoding: 'utf8' },
  )

test.after(() => rmSync(work, { recursive: true, force: true }))

test('not gzip, a folder, a tarball without an appspec: one line each, exit 1, no fleet', () => {
  const notGzip = join(work, 'x.tar.gz')
  writeFileSync(notGzip, 'not a bundle')
  const noAppspec = join(work, 'empty.tar.gz')
  writeFileSync(noAppspec, gzipSync(Buffer.alloc(1024))) // an empty tar archive
  const cases: [string, RegExp][] = [
    [notGzip, /^.*x\.tar\.gz: not a revision bundle \(a \.tar\.gz\): incorrect header check\n$/],
    [work, /^.*dl-cli-\w+: no such bundle file \(a revision \.tar\.gz\)\n$/],
    [noAppspec, /^.*empty\.tar\.gz: no appspec\.yml at the bundle root\n$/],
  ]
  for (const [bundle, message] of cases) {
    const r = ops(bundle)
    assert.is(r.status, 1, r.stderr)
    assert.match(r.stderr, message)
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
  }
  assert.not.ok(existsSync(fleet), 'nothing was booted')
})

test.run()
