import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { compareWithManifest, scratchDbName } from '../../scripts/lib/backup/run-verify.ts'
import type { Manifest } from '../../scripts/lib/backup/manifest.ts'

const h = (c: string) => c.repeat(64)
const manifest = {
  databases: [
    {
      name: 'app',
      collections: [
        { name: 'a', count: 2, contentHash: h('a'), indexes: [{}, {}] },
        { name: 'b', count: 0, contentHash: h('0'), indexes: [{}] },
      ],
    },
  ],
} as unknown as Manifest

test('passes when counts, hashes and indexes match and the restore fits the RTO', () => {
  const r = compareWithManifest(
    manifest,
    [
      { db: 'app', collection: 'a', count: 2, contentHash: h('a'), indexes: 2 },
      { db: 'app', collection: 'b', count: 0, contentHash: h('0'), indexes: 1 },
    ],
    12.5,
    2,
  )
  assert.ok(r.ok)
  assert.equal(r.lines, [
    'ok       app.a: 2 documents, hash aaaaaaaaaaaa…, 2 indexes',
    'ok       app.b: 0 documents, hash 000000000000…, 1 indexes',
    'restore time 12.5 s against an RTO of 2 h (7200 s): within (0.174 % of it)',
  ])
})

test('fails loudly on any mismatch, missing or extra collection, or a blown RTO', () => {
  const r = compareWithManifest(
    manifest,
    [
      { db: 'app', collection: 'a', count: 1, contentHash: h('b'), indexes: 1 },
      { db: 'app', collection: 'z', count: 1, contentHash: h('c'), indexes: 1 },
    ],
    8000,
    2,
  )
  assert.not.ok(r.ok)
  assert.equal(r.lines, [
    'MISMATCH app.a: count 1 != manifest 2; content hash bbbbbbbbbbbb… != manifest aaaaaaaaaaaa…; indexes 1 != manifest 2',
    'MISMATCH app.b: in the manifest (0 documents) but not restored',
    'MISMATCH app.z: restored but not in the manifest',
    'restore time 8000.0 s against an RTO of 2 h (7200 s): EXCEEDED',
  ])
})

test('scratch names stay within 63 bytes', () => {
  assert.is(scratchDbName('drsignet', 'abc'), 'drill_abc_drsignet')
  assert.is(scratchDbName('x'.repeat(80), 'abc').length, 63)
})

test.run()
