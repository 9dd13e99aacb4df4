// Whether a release may be promoted, and each refusal with its reason and remedy (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decidePromotion, type PromoteFacts } from '../../scripts/lib/promote/decide.ts'
import type { ReleaseManifest } from '../../scripts/lib/release/manifest.ts'

const manifest = (sha256: string): ReleaseManifest => ({
  app: 'patient-api',
  version: '1.15.0',
  sha256,
  bytes: 1,
  files: 1,
  source: { repository: 'drsignet-patient-api', commit: 'abc1234' },
  build: 'b',
  node: 'v22',
  createdAt: 't',
})
const facts = (over: Partial<PromoteFacts> = {}): PromoteFacts => ({
  app: 'patient-api',
  from: 'staging',
  to: 'production',
  deployed: '1.15.0',
  sourceYaml: '1.15.0',
  targetYaml: '1.14.2',
  sourceManifest: manifest('a'.repeat(64)),
  targetManifest: manifest('a'.repeat(64)),
  ...over,
})

test('promotes what the source runs when the target holds the same bytes', () => {
  assert.equal(decidePromotion(facts()), { kind: 'promote', version: '1.15.0', sha256: 'a'.repeat(64) })
})

test('each refusal says why and what to do', () => {
  const why = (f: PromoteFacts) => {
    const d = decidePromotion(f)
    return d.kind === 'promote' ? 'promoted' : `${d.kind}: ${d.why}`
  }
  assert.is(
    why(facts({ deployed: undefined })),
    'refuse: patient-api has never been deployed to staging: nothing tested to promote',
  )
  assert.is(
    why(facts({ sourceYaml: '1.16.0' })),
    "refuse: staging names patient-api 1.16.0 but runs 1.15.0: let staging's deployment finish (or fix it) first",
  )
  assert.is(why(facts({ targetYaml: '1.15.0' })), 'nothing: production already names patient-api 1.15.0')
  assert.is(
    why(facts({ sourceManifest: undefined })),
    'refuse: staging has no manifest for patient-api 1.15.0: it was not published with ops release',
  )
  assert.is(
    why(facts({ targetManifest: undefined })),
    'refuse: production has no release patient-api 1.15.0: its release project publishes it from drsignet-patient-api at abc1234; run it, then promote again',
  )
  assert.is(
    why(facts({ targetYaml: '1.15.1' })),
    'refuse: production names patient-api 1.15.1, newer than the 1.15.0 staging runs: that would move production back; pass --allow-downgrade if that is the intent',
  )
  // Semantic order: a release candidate comes before its release, 1.10 after 1.9.
  assert.is(
    why(
      facts({
        deployed: '1.15.0-rc.2',
        sourceYaml: '1.15.0-rc.2',
        targetYaml: '1.15.0-rc.10',
        sourceManifest: manifest('a'.repeat(64)),
      }),
    ),
    'refuse: production names patient-api 1.15.0-rc.10, newer than the 1.15.0-rc.2 staging runs: that would move production back; pass --allow-downgrade if that is the intent',
  )
  assert.is(why(facts({ deployed: '1.10.0', sourceYaml: '1.10.0', targetYaml: '1.9.0' })), 'promoted')
  assert.is(why(facts({ targetYaml: '1.15.1', allowDowngrade: true })), 'promoted')
  assert.is(
    why(facts({ targetManifest: manifest('b'.repeat(64)) })),
    `refuse: production's release patient-api 1.15.0 (sha256 ${'b'.repeat(64)}) is not the bytes staging tested (sha256 ${'a'.repeat(64)}): the build is not reproducible; release a new version`,
  )
})

test.run()
