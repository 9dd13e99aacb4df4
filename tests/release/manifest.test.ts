// A release's keys in the artifacts bucket, its manifest read back, and the check that the bytes are the release it
// names (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  parseManifest,
  releaseKeys,
  releaseMismatch,
  type ReleaseManifest,
} from '../../scripts/lib/release/manifest.ts'

const sha = (c: string) => c.repeat(64)
const manifest: ReleaseManifest = {
  app: 'patient-api',
  version: '1.15.0',
  sha256: sha('a'),
  bytes: 1024,
  files: 12,
  source: { repository: 'drsignet-patient-api', commit: '0123456789abcdef0123456789abcdef01234567' },
  build: 'local',
  node: 'v22.11.0',
  createdAt: '2026-01-02T03:04:05.000Z',
}
const where = 's3://artifacts/releases/patient-api/1.15.0.json'
const refusal = (text: string) => {
  try {
    parseManifest(text, where)
    return 'accepted'
  } catch (e) {
    return (e as Error).message
  }
}

test('the artifact and its manifest sit side by side under releases/APP/', () => {
  assert.equal(releaseKeys('patient-api', '1.15.0-rc.1'), {
    artifact: 'releases/patient-api/1.15.0-rc.1.tgz',
    manifest: 'releases/patient-api/1.15.0-rc.1.json',
  })
})

test('a manifest reads back as it was written', () => {
  assert.equal(parseManifest(JSON.stringify(manifest, null, 2), where), manifest)
})

test('text that is not JSON, or a manifest without a full lowercase sha256, is refused, naming where it was read', () => {
  const noHash = `${where} has no sha256: publish the release again with ops release`
  assert.equal(
    [
      refusal('{"app": "patient-api",'),
      refusal(JSON.stringify({ ...manifest, sha256: undefined })),
      refusal(JSON.stringify({ ...manifest, sha256: sha('A') })),
      refusal(JSON.stringify({ ...manifest, sha256: sha('a').slice(1) })),
      refusal(JSON.stringify({ ...manifest, sha256: `${sha('a')}\n` })),
      refusal(JSON.stringify({ ...manifest, sha256: 42 })),
      refusal('[]'),
      refusal('null'),
      refusal('42'),
    ],
    [
      `${where} is not JSON: publish the release again with ops release`,
      noHash,
      noHash,
      noHash,
      noHash,
      noHash,
      noHash,
      noHash,
      noHash,
    ],
  )
})

test('the bytes are the release when app, version and hash all match; otherwise the first difference is said', () => {
  assert.is(releaseMismatch(manifest, 'patient-api', '1.15.0', sha('a')), undefined)
  assert.equal(
    [
      releaseMismatch(manifest, 'doctor-api', '1.15.0', sha('a')),
      releaseMismatch(manifest, 'patient-api', '1.16.0', sha('a')),
      releaseMismatch(manifest, 'patient-api', '1.15.0', sha('b')),
      releaseMismatch(manifest, 'doctor-api', '1.15.0', sha('b')),
    ],
    [
      'its manifest is for patient-api 1.15.0',
      'its manifest is for patient-api 1.15.0',
      `its bytes have sha256 ${sha('b')}, the manifest says ${sha('a')}`,
      'its manifest is for patient-api 1.15.0',
    ],
  )
})

test.run()
