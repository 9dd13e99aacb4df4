import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { selectPrunable, type Listed, type ManifestRead } from '../../scripts/lib/backup/prune.ts'
import type { Manifest } from '../../scripts/lib/backup/manifest.ts'

const now = new Date(Date.UTC(2026, 10, 30, 12))
const day = (d: number) =>
  `backups/production/2026/11/${String(d).padStart(2, '0')}/202611${String(d).padStart(2, '0')}T000000Z`
const listed = (stem: string, parts: ('a' | 'm')[] = ['a', 'm']): Listed[] =>
  parts.map((p) => ({ key: stem + (p === 'a' ? '.archive.gz' : '.manifest.json'), size: 1, lastModified: now }))
const good = (stem: string) => ({ key: stem + '.archive.gz' }) as Manifest
const plan = (listing: Listed[], manifests: Map<string, ManifestRead>) =>
  selectPrunable(listing, manifests, now, 15).map((d) => `${d.action} ${d.stem.slice(-16)} ${d.reason}`)

test('deletes what is older than the retention, keeps the rest', () => {
  const stems = [day(1), day(10), day(20), day(25)]
  const m = new Map<string, ManifestRead>(stems.map((s) => [s + '.archive.gz', good(s)]))
  assert.equal(
    plan(
      stems.flatMap((s) => listed(s)),
      m,
    ),
    [
      'delete 20261101T000000Z expired (older than 15 days)',
      'delete 20261110T000000Z expired (older than 15 days)',
      'keep 20261120T000000Z within 15 days',
      'keep 20261125T000000Z newest good backup',
    ],
  )
})

test('when every backup has expired, the newest good one survives', () => {
  const stems = [day(1), day(2), day(3)]
  const m = new Map<string, ManifestRead>(stems.map((s) => [s + '.archive.gz', good(s)]))
  assert.equal(
    plan(
      stems.flatMap((s) => listed(s)),
      m,
    ).map((l) => l.split(' ')[0]),
    ['delete', 'delete', 'keep'],
  )
  assert.match(
    plan(
      stems.flatMap((s) => listed(s)),
      m,
    )[2],
    /newest good backup/,
  )
})

test('a newer archive without a manifest is not the newest good backup', () => {
  const listing = [...listed(day(1)), ...listed(day(2), ['a'])]
  const m = new Map<string, ManifestRead>([[day(1) + '.archive.gz', good(day(1))]])
  assert.equal(plan(listing, m), [
    'keep 20261101T000000Z newest good backup',
    'delete 20261102T000000Z expired archive without a manifest (a failed backup)',
  ])
})

test('an expired backup whose manifest cannot be read is kept', () => {
  const listing = [...listed(day(1)), ...listed(day(2))]
  const m = new Map<string, ManifestRead>([
    [day(1) + '.archive.gz', 'unreadable'],
    [day(2) + '.archive.gz', good(day(2))],
  ])
  assert.equal(plan(listing, m)[0], 'keep 20261101T000000Z expired, but its manifest could not be read')
})

test('deletes both objects of a backup and leaves other keys alone', () => {
  const listing = [
    ...listed(day(1)),
    ...listed(day(2)),
    { key: 'backups/production/heartbeat.json', size: 1, lastModified: now },
  ]
  const m = new Map<string, ManifestRead>([
    [day(1) + '.archive.gz', good(day(1))],
    [day(2) + '.archive.gz', good(day(2))],
  ])
  const d = selectPrunable(listing, m, now, 15)
  assert.equal(
    d.map((x) => x.keys),
    [
      [day(1) + '.archive.gz', day(1) + '.manifest.json'],
      [day(2) + '.archive.gz', day(2) + '.manifest.json'],
    ],
  )
})

test.run()
