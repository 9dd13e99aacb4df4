// Revision bundles as bytes: the same files always pack to the same bytes, and unpack to what went in (in memory).
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import tar from 'tar-stream'
import { contentHash, entryTime, packEntries, unpackEntries } from '../../scripts/lib/bundle/tar.ts'

const entry = (path: string, text: string, mode = 0o644) => ({ path, data: Buffer.from(text), mode })
const files = [
  entry('hooks/start.sh', '#!/bin/sh\n', 0o755),
  entry('appspec.yml', 'version: 0.0\n'),
  entry('app/a.js', '1'),
]

test('packing is deterministic: order of the input, time of day and owner play no part', async () => {
  const a = await packEntries(files)
  const b = await packEntries([...files].reverse())
  assert.ok(a.equals(b))
  assert.is(contentHash(a), contentHash(b))
  assert.is(entryTime(Buffer.from('x')).getTime(), entryTime(Buffer.from('x')).getTime())
  assert.ok(entryTime(Buffer.from('x')).getTime() >= Date.UTC(2001, 0, 1), 'times derive from content, after 2001')
  assert.is.not(contentHash(await packEntries([entry('a', '1')])), contentHash(await packEntries([entry('a', '2')])))
})

test('unpack gives back every file with its bytes and mode, sorted by path', async () => {
  const out = await unpackEntries(await packEntries(files))
  assert.equal(
    out.map((e) => [e.path, e.data.toString(), e.mode]),
    [
      ['app/a.js', '1', 0o644],
      ['appspec.yml', 'version: 0.0\n', 0o644],
      ['hooks/start.sh', '#!/bin/sh\n', 0o755],
    ],
  )
})

test('a bundle whose entry leaves it is refused on unpack', async () => {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => chunks.push(c as Buffer))
  const done = new Promise<void>((r) => pack.on('end', () => r()))
  pack.entry({ name: '../etc/cron.d/x', size: 1 }, Buffer.from('x'))
  pack.finalize()
  await done
  const err = await unpackEntries(gzipSync(Buffer.concat(chunks))).catch((e: Error) => e)
  assert.instance(err, Error)
  assert.match((err as Error).message, /bundle entry \.\.\/etc\/cron\.d\/x escapes the bundle/)
})

test.run()
