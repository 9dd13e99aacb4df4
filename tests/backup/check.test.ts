// `backup ENV --check`: what MongoDB would give and what the backup prefix holds, read without writing (fakes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkReach } from '../../scripts/lib/backup/check.ts'
import { doc, fakeSource, memoryStore } from './fakes.ts'

test('counts databases and collections, and finds the newest manifest under the prefix only', async () => {
  const source = fakeSource({ 'app.users': [doc({ _id: 1 })], 'app.visits': [], 'audit.log': [] })
  const store = memoryStore()
  for (const key of [
    'backups/staging/2026-12-01T000000Z.manifest.json',
    'backups/staging/2026-12-02T000000Z.manifest.json',
    'backups/staging/2026-12-02T000000Z.archive.gz',
    'backups/production/2026-12-03T000000Z.manifest.json',
  ])
    store.objects.set(key, Buffer.from('{}'))
  const reach = await checkReach(source, store, 'backups/staging/')
  assert.equal(reach, {
    serverVersion: '7.0.0',
    databases: 2,
    collections: 3,
    manifests: 2,
    newest: 'backups/staging/2026-12-02T000000Z.manifest.json',
  })
  assert.equal(store.writes, [], 'a check writes nothing')
})

test('an empty prefix: no manifest, no newest', async () => {
  const reach = await checkReach(fakeSource({ 'app.users': [] }), memoryStore(), 'backups/staging/')
  assert.is(reach.manifests, 0)
  assert.is(reach.newest, undefined)
})

test.run()
