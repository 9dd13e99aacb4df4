import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  archiveKey,
  heartbeatKey,
  manifestKeyFor,
  manifestProblems,
  stampOf,
  stemOf,
  timeOfKey,
} from '../../scripts/lib/backup/manifest.ts'

const at = new Date(Date.UTC(2026, 10, 4, 18, 30, 5))
const policy = { prefix: 'backups', compression: 'gzip' as const }

test('archive keys: PREFIX/ENV/YYYY/MM/DD/<timestamp>.archive.gz', () => {
  assert.is(archiveKey(policy, 'production', at), 'backups/production/2026/11/04/20261104T183005Z.archive.gz')
  assert.is(
    archiveKey({ prefix: '', compression: 'none' }, 'staging', at),
    'staging/2026/11/04/20261104T183005Z.archive',
  )
})

test('manifest and heartbeat keys sit beside the archive', () => {
  assert.is(
    manifestKeyFor('backups/production/2026/11/04/20261104T183005Z.archive.gz'),
    'backups/production/2026/11/04/20261104T183005Z.manifest.json',
  )
  assert.is(stemOf('a/b/20261104T183005Z.manifest.json'), stemOf('a/b/20261104T183005Z.archive.gz'))
  assert.is(heartbeatKey(policy, 'production'), 'backups/production/heartbeat.json')
})

test('the time of a key is its timestamp', () => {
  assert.is(stampOf(at), '20261104T183005Z')
  assert.is(timeOfKey('backups/production/2026/11/04/20261104T183005Z.archive.gz')?.toISOString(), at.toISOString())
  assert.is(timeOfKey('backups/production/heartbeat.json'), undefined)
})

test('a manifest must be ours, about this archive, with a sha256', () => {
  const key = 'k.archive.gz'
  assert.equal(manifestProblems({ format: 'drsignet-backup/1', key, sha256: 'a'.repeat(64), databases: [] }, key), [])
  assert.equal(manifestProblems({ format: 'x', key: 'other', databases: [] }, key), [
    'unknown manifest format "x"',
    'manifest names other, not k.archive.gz',
    'manifest has no sha256',
  ])
  assert.equal(manifestProblems(null, key), ['manifest is not an object'])
})

test.run()
