// The restore's proof for one namespace: count, content and indexes against the backup plus what was there (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ContentHash } from '../../scripts/lib/backup/content-hash.ts'
import { proveNamespace } from '../../scripts/lib/backup/restore-proof.ts'
import { EMPTY } from '../../scripts/lib/mongo/sink.ts'
import { doc } from './fakes.ts'

const a = doc({ _id: 1, n: 'a' })
const b = doc({ _id: 2, n: 'b' })
const c = doc({ _id: 3, n: 'c' })
const hash = (...docs: Buffer[]) => docs.reduce((h, d) => h.add(d), new ContentHash()).hex()
const backup = { count: 2, contentHash: hash(a, b), indexes: ['_id_', 'email_1'] }

test('exactly the backup, into an empty collection, in any order: no problem', () => {
  const after = { count: 2, contentHash: hash(b, a), indexes: ['_id_', 'email_1'] }
  assert.equal(proveNamespace('app.users', backup, EMPTY, after), [])
})

test('into a collection that held documents: they count and hash on top of the backup', () => {
  const before = { count: 1, contentHash: hash(c), indexes: ['_id_'] }
  const after = { count: 3, contentHash: hash(a, b, c), indexes: ['_id_', 'email_1'] }
  assert.equal(proveNamespace('app.users', backup, before, after), [])
  assert.equal(proveNamespace('app.users', backup, before, { ...after, count: 2 }), [
    'app.users: holds 2 documents after the restore, 3 expected (1 of them there before the restore)',
  ])
})

test('the right count with other bytes (a changed document) is a difference, named by both hashes', () => {
  const changed = doc({ _id: 2, n: 'B' })
  const after = { count: 2, contentHash: hash(a, changed), indexes: ['_id_', 'email_1'] }
  assert.equal(proveNamespace('app.users', backup, EMPTY, after), [
    `app.users: its documents differ from the backup's (content hash ${after.contentHash.slice(0, 12)}… != ${backup.contentHash.slice(0, 12)}…)`,
  ])
})

test('a missing index is a problem of its own, beside a count that is off', () => {
  const after = { count: 1, contentHash: hash(a), indexes: ['_id_'] }
  assert.equal(proveNamespace('app.users', { ...backup, indexes: ['_id_', 'email_1', 'age_1'] }, EMPTY, after), [
    'app.users: holds 1 documents after the restore, 2 expected',
    'app.users: indexes email_1, age_1 missing after the restore',
  ])
})

test.run()
