// promote's own contract beside tests/integration/release/promote.test.ts: what it refuses before reading anything, what
// it says when there is nothing to do, the pull request it asks for word for word, and a downgrade only when asked
// (moto on loopback: STS and S3; git: a bare remote and a clone of this checkout's configuration; the pull request is
// recorded by a stand-in, as moto has no CodeCommit pull requests).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { STSClient } from '@aws-sdk/client-sts'
import { createBuckets, motoS3, startMoto, type Moto } from '../harness/moto.ts'
import { git } from '../harness/checkout-copy.ts'
import { recordCalls, root } from '../integration/apply/support.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { s3ArtifactStore, type ArtifactStore } from '../../scripts/lib/aws/artifact-store.ts'
import type { PullRequestInput } from '../../scripts/lib/aws/pull-requests.ts'
import { writeState } from '../../scripts/lib/apply/state.ts'
import { contentHash, packEntries } from '../../scripts/lib/bundle/tar.ts'
import { publishRelease } from '../../scripts/lib/release/publish.ts'
import { setAppVersion } from '../../scripts/lib/promote/version-edit.ts'
import { runPromote, type PromoteInputs, type Side } from '../../scripts/lib/promote/run-promote.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'

const ACCOUNT = '123456789012' // moto's: both sides are in it here; the integration test has one account per side
const region = 'ap-south-1'
const work = mkdtempSync(join(tmpdir(), 'run-promote-'))
const origin = join(work, 'origin.git')
const seed = join(work, 'seed')
const checkout = join(work, 'checkout')
const mirror = join(work, 'mirror.git')
const PROD = 'environments/production.yaml'
let moto: Moto
let sha256 = ''
const opened: PullRequestInput[] = []
const pullRequests = { open: async (i: PullRequestInput) => (opened.push(i), `pr-${opened.length}`) }

/** Each environment as this checkout configures it, in moto's account, on the branch named. */
const model = (env: 'staging' | 'production', branch?: string): Model => {
  const m = readModel(root, env)
  return { ...m, env: { ...m.env, account: ACCOUNT, ...(branch && { branch }) } }
}
let stores: Record<'staging' | 'production', ArtifactStore>
const sts = () =>
  new STSClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
const side = (env: 'staging' | 'production', branch?: string): Side => ({
  model: model(env, branch),
  sts: sts(),
  store: stores[env],
})

/** A branch of the remote whose production.yaml is `edit` of production's. */
function productionVariant(branch: string, edit: (text: string) => string) {
  git(seed, 'checkout', '-q', '-b', branch, 'production')
  writeFileSync(join(seed, PROD), edit(git(seed, 'show', `production:${PROD}`) + '\n'))
  git(seed, 'commit', '-q', '-am', branch)
  git(seed, 'push', '-q', origin, branch)
}

test.before(async () => {
  moto = await startMoto()
  const s3 = motoS3(moto, region)
  const buckets = {
    staging: model('staging').env.buckets.artifacts,
    production: model('production').env.buckets.artifacts,
  }
  await createBuckets(s3, region, Object.values(buckets))
  stores = {
    staging: s3ArtifactStore(s3, buckets.staging, 'alias/drsignet-staging'),
    production: s3ArtifactStore(s3, buckets.production, 'alias/drsignet-production'),
  }
  // patient-api 1.15.0-rc.1: the same bytes in both environments, and what staging runs; doctor-api never deployed.
  const gz = await packEntries([{ path: 'server.js', data: Buffer.from('console.log("rc.1")\n'), mode: 0o644 }])
  sha256 = contentHash(gz)
  for (const store of Object.values(stores))
    await publishRelease(
      store,
      { gz, sha256, files: 1 },
      {
        app: 'patient-api',
        version: '1.15.0-rc.1',
        sha256,
        bytes: gz.length,
        files: 1,
        source: { repository: 'drsignet-patient-api', commit: 'abc1234' },
        build: 'b',
        node: process.version,
        createdAt: '2026-12-01T00:00:00.000Z',
      },
    )
  await writeState(stores.staging, {
    environment: 'staging',
    apps: {
      'patient-api': {
        version: '1.15.0-rc.1',
        revision: '1.15.0-rc.1+r',
        bundleKey: 'k',
        sha256,
        deploymentId: 'd-STAGING1',
        deployedAt: '2026-12-01T10:00:00.000Z',
        commit: 'c0ffee0',
      },
    },
    files: {},
  })
  // The operations repository: this checkout's configuration on production and staging; variants of production.
  for (const folder of ['environments', 'apps']) cpSync(join(root, folder), join(seed, folder), { recursive: true })
  git(seed, 'init', '-q', '-b', 'production')
  git(seed, 'add', '-A')
  git(seed, 'commit', '-q', '-m', 'configuration')
  git(seed, 'branch', 'staging')
  git(work, 'init', '-q', '--bare', '-b', 'production', origin)
  git(seed, 'push', '-q', origin, 'production', 'staging')
  productionVariant('production-caught-up', (t) => setAppVersion(t, PROD, 'patient-api', '1.15.0-rc.1'))
  productionVariant('production-ahead', (t) => setAppVersion(t, PROD, 'patient-api', '1.16.0'))
  productionVariant('production-without', (t) => {
    const doc = parse(t)
    delete doc.apps['patient-api']
    return stringify(doc)
  })
  git(work, 'clone', '-q', origin, checkout)
  // Another remote, so the downgrade's branch (from another base) does not meet the promotion from production's.
  git(work, 'clone', '-q', '--bare', origin, mirror)
  git(checkout, 'remote', 'add', 'mirror', mirror)
})
test.after(async () => {
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

const promote = (app: string, to = side('production'), over: Partial<PromoteInputs> = {}, log: string[] = []) =>
  runPromote({
    app,
    from: side('staging'),
    to,
    root: checkout,
    remote: 'origin',
    pullRequests,
    log: (l) => log.push(l),
    ...over,
  })
const outcome = (p: Promise<unknown>) =>
  p.then(
    (r) => r,
    (e: Error) => `${e instanceof InputError ? '' : 'UNEXPECTED '}${e.message}`,
  )
const branches = () => git(origin, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/')

test('an app either environment lacks is refused before any credentials are checked or anything read', async () => {
  const from = side('staging')
  const production = model('production')
  const lacking = { ...side('production'), model: { ...production, apps: production.apps.slice(0, 2) } }
  const calls = [from, lacking].map((s) => recordCalls(s.sts as never))
  assert.is(
    await outcome(promote('billing', undefined, { from })),
    'no app "billing" in environment staging: one of admin-portal, doctor-api, patient-api',
  )
  assert.is(
    await outcome(promote('patient-api', lacking, { from })),
    'no app "patient-api" in environment production: one of admin-portal, doctor-api',
  )
  assert.equal(calls, [[], []])
})

test('an app never deployed to the source: refused, saying so, with nothing pushed', async () => {
  const before = branches()
  const log: string[] = []
  assert.is(
    await outcome(promote('doctor-api', undefined, {}, log)),
    'promote doctor-api: doctor-api has never been deployed to staging: nothing tested to promote; nothing was pushed',
  )
  assert.equal(log, ['promote: staging runs doctor-api (never deployed)'])
  assert.is(branches(), before)
})

test("a target branch whose YAML does not name the app's version: refused, naming the file and the branch", async () => {
  assert.is(
    await outcome(promote('patient-api', side('production', 'production-without'))),
    "environments/production.yaml: apps.patient-api.version not found on production's branch; the app must already run there",
  )
})

test('a target that already names what the source runs: nothing to do, nothing pushed, no pull request', async () => {
  const before = branches()
  assert.equal(await outcome(promote('patient-api', side('production', 'production-caught-up'))), {
    kind: 'nothing',
    why: 'production already names patient-api 1.15.0-rc.1',
  })
  assert.is(branches(), before)
  assert.equal(opened, [])
})

test('a promotion: the pull request it opens, word for word, and what it logs', async () => {
  const log: string[] = []
  const production = git(origin, 'rev-parse', 'production')
  const r = await promote('patient-api', undefined, {}, log)
  const commit = git(origin, 'rev-parse', 'promote/patient-api-1.15.0-rc.1')
  assert.equal(r, {
    kind: 'opened',
    pullRequest: 'pr-1',
    branch: 'promote/patient-api-1.15.0-rc.1',
    version: '1.15.0-rc.1',
    commit,
  })
  assert.is(
    git(origin, 'show', '-s', '--format=%B', commit),
    `Promote patient-api 1.15.0-rc.1 from staging to production\n\nstaging runs it since 2026-12-01T10:00:00.000Z; release sha256 ${sha256}.`,
  )
  assert.equal(opened, [
    {
      repository: 'drsignet-platform',
      source: 'promote/patient-api-1.15.0-rc.1',
      target: 'production',
      title: 'Promote patient-api 1.15.0-rc.1 from staging to production',
      description: [
        'patient-api: production 1.14.2 → 1.15.0-rc.1.',
        'staging runs 1.15.0-rc.1 since 2026-12-01T10:00:00.000Z (deployment d-STAGING1).',
        `Release sha256 ${sha256}, the same bytes in both environments' artifacts buckets.`,
        'Opened by ops promote; merging it is the approval that deploys it.',
      ].join('\n'),
      token: `production-patient-api-1.15.0-rc.1-${commit.slice(0, 12)}`,
    },
  ])
  assert.equal(log, [
    'promote: staging runs patient-api 1.15.0-rc.1 since 2026-12-01T10:00:00.000Z (commit c0ffee0)',
    `promote: production's release patient-api 1.15.0-rc.1 is the one staging tested (sha256 ${sha256})`,
    `promote: pushed promote/patient-api-1.15.0-rc.1 (${commit.slice(0, 12)}) from production at ${production.slice(0, 12)}`,
  ])
})

test('a target naming a newer version: refused unless a downgrade is asked for, then promoted from that branch', async () => {
  opened.length = 0
  const ahead = side('production', 'production-ahead')
  assert.is(
    await outcome(promote('patient-api', ahead, { remote: 'mirror' })),
    'promote patient-api: production names patient-api 1.16.0, newer than the 1.15.0-rc.1 staging runs: that would move production back; pass --allow-downgrade if that is the intent; nothing was pushed',
  )
  assert.is(git(mirror, 'branch', '--list', 'promote/*'), '')
  const r = await promote('patient-api', ahead, { remote: 'mirror', allowDowngrade: true })
  assert.equal(
    [r.kind, opened.map((o) => [o.target, o.description.split('\n')[0]])],
    ['opened', [['production-ahead', 'patient-api: production 1.16.0 → 1.15.0-rc.1.']]],
  )
  assert.is(git(mirror, 'rev-parse', 'promote/patient-api-1.15.0-rc.1^'), git(mirror, 'rev-parse', 'production-ahead'))
})

test.run()
