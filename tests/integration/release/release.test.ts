// `ops release` through the CLI against moto: an app checkout built with its own npm scripts, packed the same way every
// time, published once with its manifest; the same bytes again are a no-op, other bytes are refused; apply's artifact
// source deploys a release only when its bytes match its manifest (I/O: moto on loopback, npm, git, child processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { startMoto, type Moto, motoS3, createBuckets } from '../../harness/moto.ts'
import { root, runOps, useMotoEnv } from '../apply/support.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { awsServices } from '../../../scripts/lib/aws/services.ts'
import { storeArtifacts } from '../../../scripts/lib/apply/bundle.ts'
import { contentHash } from '../../../scripts/lib/bundle/tar.ts'
import type { ReleaseManifest } from '../../../scripts/lib/release/manifest.ts'
import { packRelease } from '../../../scripts/lib/release/pack.ts'

const model = readModel(root, 'staging')
const bucket = model.env.buckets.artifacts
const work = mkdtempSync(join(tmpdir(), 'release-'))
let moto: Moto
let other: Moto
let s3: S3Client

const ops = (m: Moto, args: string[]) => runOps(args, { ...m.env, npm_config_cache: join(work, 'npm-cache') })
/** `ops release patient-api VERSION` from the checkout the tests keep, into staging. */
const releasePatientApi = (m: Moto, version: string, ...flags: string[]) =>
  ops(m, ['release', 'patient-api', version, '--from', join(work, 'patient-api'), ...flags, '--env', 'staging'])

/** An app repository as its CI checks it out: a lockfile, a test and a build script, one commit. */
function appCheckout(name: string, testScript = 'node --test'): string {
  const dir = join(work, name)
  mkdirSync(join(dir, 'src'), { recursive: true })
  const pkg = {
    name,
    version: '0.0.0',
    private: true,
    scripts: {
      test: testScript,
      build:
        "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').copyFileSync('src/server.js','dist/server.js')\"",
    },
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      { name, version: '0.0.0', lockfileVersion: 3, requires: true, packages: { '': { name, version: '0.0.0' } } },
      null,
      2,
    ) + '\n',
  )
  writeFileSync(join(dir, 'src/server.js'), 'console.log("patient-api 2.0.0")\n')
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' }).toString().trim()
  git('init', '-q')
  git('remote', 'add', 'origin', 'codecommit::ap-south-1://drsignet-patient-api')
  git('add', '.')
  git('-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-qm', 'release 2.0.0')
  return dir
}

const getBytes = async (key: string) =>
  Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray())
const getText = async (key: string) => (await getBytes(key)).toString('utf8')

test.before(async () => {
  ;[moto, other] = await Promise.all([startMoto({ account: model.env.account }), startMoto()])
  useMotoEnv(moto)
  s3 = motoS3(moto, model.env.region)
  await createBuckets(s3, model.env.region, [bucket])
})
test.after(async () => {
  await Promise.all([moto?.stop(), other?.stop()])
  rmSync(work, { recursive: true, force: true })
})

let published: ReleaseManifest

test("--build runs the app's install, tests and build, and publishes the release once, with its manifest", async () => {
  const dir = appCheckout('patient-api')
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim()
  const r = await ops(moto, ['release', 'patient-api', '2.0.0', '--from', dir, '--build', '--env', 'staging'])
  assert.is(r.code, 0, r.stderr)
  for (const step of ['install: npm ci', 'test: npm test', 'build: npm run build', 'prune: npm prune --omit=dev'])
    assert.ok(r.stderr.includes(`release: ${step}`), r.stderr)
  const gz = await getBytes('releases/patient-api/2.0.0.tgz')
  assert.is(
    r.stdout,
    `release patient-api 2.0.0: published s3://${bucket}/releases/patient-api/2.0.0.tgz (sha256 ${contentHash(gz)})\n`,
  )
  published = JSON.parse(await getText('releases/patient-api/2.0.0.json')) as ReleaseManifest
  assert.equal(
    { ...published, createdAt: 'at' },
    {
      app: 'patient-api',
      version: '2.0.0',
      sha256: contentHash(gz),
      bytes: gz.length,
      files: published.files,
      source: { repository: 'codecommit::ap-south-1://drsignet-patient-api', commit },
      build: 'local',
      node: process.version,
      createdAt: 'at',
    },
  )
  const entries = await storeArtifacts(awsServices(model).store).entries('patient-api', '2.0.0')
  assert.equal(entries.map((e) => e.path).sort(), [
    'dist/server.js',
    'package-lock.json',
    'package.json',
    'src/server.js',
  ])
})

test('the same bytes again: nothing to do, and it says so; the manifest stays the first one', async () => {
  const r = await releasePatientApi(moto, '2.0.0')
  assert.is(r.code, 0, r.stderr)
  assert.is(
    r.stdout,
    `release patient-api 2.0.0: already published with these same bytes (sha256 ${published.sha256}): nothing to do\n`,
  )
  assert.equal(JSON.parse(await getText('releases/patient-api/2.0.0.json')), published)
})

test('other bytes under a published version: exit 1 with both sha256s, the release unchanged', async () => {
  writeFileSync(join(work, 'patient-api', 'dist/server.js'), 'console.log("patched in place")\n')
  const r = await releasePatientApi(moto, '2.0.0')
  assert.is(r.code, 1)
  assert.match(
    r.stderr.trimEnd().split('\n').at(-1)!,
    new RegExp(
      `^patient-api 2\\.0\\.0 is already published with other bytes: s3://${bucket}/releases/patient-api/2\\.0\\.0\\.tgz has sha256 ${published.sha256}, this build [0-9a-f]{64}; a version never changes: release a new version$`,
    ),
  )
  assert.is(contentHash(await getBytes('releases/patient-api/2.0.0.tgz')), published.sha256)
})

test('a run that stopped between the bytes and the manifest: the next run writes the manifest and says so', async () => {
  const dir = join(work, 'patient-api')
  const packed = await packRelease(dir)
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'releases/patient-api/2.0.2.tgz', Body: packed.gz }))
  const r = await ops(moto, ['release', 'patient-api', '2.0.2', '--from', dir, '--env', 'staging'])
  assert.is(r.code, 0, r.stderr)
  assert.is(
    r.stdout,
    `release patient-api 2.0.2: the bytes were published, the manifest was missing and is now written (sha256 ${packed.sha256})\n`,
  )
  assert.is((JSON.parse(await getText('releases/patient-api/2.0.2.json')) as ReleaseManifest).sha256, packed.sha256)
})

test('a failing test publishes nothing', async () => {
  const dir = appCheckout('doctor-api', 'node -e "process.exit(3)"')
  const r = await ops(moto, ['release', 'doctor-api', '2.0.0', '--from', dir, '--build', '--env', 'staging'])
  assert.is(r.code, 1)
  assert.is(r.stderr.trimEnd().split('\n').at(-1), `npm test failed with exit 3 in ${dir}: nothing was published`)
  const store = awsServices(model).store
  assert.equal(await store.list('releases/doctor-api/'), [])
})

test('apply deploys a release only when its bytes are the ones its manifest names', async () => {
  const artifacts = storeArtifacts(awsServices(model).store)
  // Bytes replaced behind the tool's back (an administrator's upload): refused, naming both sums.
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'releases/patient-api/2.0.0.tgz', Body: 'not the release' }),
  )
  const e1 = await artifacts.entries('patient-api', '2.0.0').then(
    () => undefined,
    (e: Error) => e.message,
  )
  assert.is(
    e1,
    `release patient-api 2.0.0 at s3://${bucket}/releases/patient-api/2.0.0.tgz is refused: its bytes have sha256 ${contentHash(Buffer.from('not the release'))}, the manifest says ${published.sha256}`,
  )
  // A release uploaded without `ops release` has no manifest: refused.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'releases/admin-portal/3.0.0.tgz', Body: 'x' }))
  const e2 = await artifacts.entries('admin-portal', '3.0.0').then(
    () => undefined,
    (e: Error) => e.message,
  )
  assert.is(
    e2,
    `admin-portal 3.0.0 has no manifest: s3://${bucket}/releases/admin-portal/3.0.0.json does not exist; publish it with ops release (the app's CI does)`,
  )
})

test("another account's credentials: refused before the build", async () => {
  const r = await releasePatientApi(other, '2.0.1', '--build')
  assert.is(r.code, 1)
  assert.not.match(r.stderr, /release: install/)
  assert.match(r.stderr, /environment staging is account 444455556666; these credentials \(.*\) are for 123456789012/)
})

test('usage: an environment is named, the version is one', async () => {
  const noEnv = await ops(moto, ['release', 'patient-api', '2.0.0', '--from', work])
  assert.is(noEnv.code, 2)
  assert.match(noEnv.stderr, /^which environment's artifacts bucket\? pass --env ENV/)
  const badVersion = await ops(moto, ['release', 'patient-api', 'latest', '--from', work, '--env', 'staging'])
  assert.is(badVersion.code, 2)
  assert.match(badVersion.stderr, /^VERSION "latest" is not a version like 1\.14\.2/)
})

test.run()
