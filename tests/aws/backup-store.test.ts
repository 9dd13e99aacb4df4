// Checks the multipart part size: S3's smallest for ordinary databases, larger only when S3's part limit needs it (no I/O).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { partSizeFor } from '../../scripts/lib/aws/backup-store.ts'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

test('ordinary databases upload in 5 MiB parts, the smallest spool S3 allows', () => {
  for (const bytes of [0, 100 * MiB, GiB, 30 * GiB]) assert.is(partSizeFor(bytes), 5 * MiB, String(bytes))
})

test('a large database gets parts big enough to stay under 10,000 parts with a quarter to spare', () => {
  for (const bytes of [40 * GiB, 100 * GiB, 1024 * GiB]) {
    const part = partSizeFor(bytes)
    assert.is(part % MiB, 0)
    assert.ok((bytes * 1.25) / part <= 10_000, `${bytes / GiB} GiB in ${part / MiB} MiB parts`)
    assert.ok((bytes * 1.25) / (part - MiB) > 10_000, 'the smallest such size')
  }
})

test('an unknown size falls back to 8 MiB parts (objects up to 78 GiB)', () => {
  for (const bytes of [undefined, NaN, -1]) assert.is(partSizeFor(bytes), 8 * MiB)
})

test.run()
