// `promote` against moto and real git: two accounts (staging's and production's, as moto tells them apart by the
// credentials of an assumed role), each with its artifacts bucket; a bare repository as CodeCommit's git side. The
// pull request itself is recorded by a stand-in, since moto has no CodeCommit pull requests (I/O: moto on loopback,
// git, temporary files).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { CreateBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { copyCheckout, git } from '../../harness/checkout-copy.ts'
import { root, runOps } from '../apply/support.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { awsClients } from '../../../scripts/lib/aws/clients.ts'
import { s3ArtifactStore, type ArtifactStore } from '../../../scripts/lib/aws/artifact-store.ts'
import type { PullRequestInput } from '../../../scripts/lib/aws/pull-requests.ts'
import { writeState } from '../../../scripts/lib/apply/state.ts'
import { contentHash, packEntries } from '../../../scripts/lib/bundle/tar.ts'
import { publishRelease } from '../../../scripts/lib/release/publish.ts'
import { runPromote, type Side } from '../../../scripts/lib/promote/run-promote.ts'
import { InputError } from '../../../scripts/lib/cli/errors.ts'

const work = mkdtempSync(join(tmpdir(), 'promote-'))
const origin = join(work, 'origin.git')
const checkout = join(work, 'checkout')
const region = 'ap-south-1'
let moto: Moto
let sides: Record<'staging' | 'production', Side>
const opened: PullRequestInput[] = []
// CodeCommit's idempotency: the same client token gives the same pull request.
const pullRequests = {
  open: async (i: PullRequestInput) => (opened.push(i), String(opened.findIndex((o) => o.token === i.token) + 1)),
}
const lines: string[] = []

/** Credentials for an account, as moto hands them out for a role assumed there. */
async function credentialsIn(account: string) {
  const sts = new STSClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  const r = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/drsignet-release-manager`,
      RoleSessionName: 'promote-test',
    }),
  )
  return r.Credentials!
}

async function release(store: ArtifactStore, app: string, version: string, body: string) {
  const gz = await packEntries([{ path: 'server.js', data: Buffer.from(body), mode: 0o644 }])
  const sha256 = contentHash(gz)
  await publishRelease(
    store,
    { gz, sha256, files: 1 },
    {
      app,
      version,
      sha256,
      bytes: gz.length,
      files: 1,
      source: { repository: `drsignet-${app}`, commit: 'abc1234' },
      build: 'b',
      node: process.version,
      createdAt: '2026-12-01T00:00:00.000Z',
    },
  )
}

const deployed = (version: string) => ({
  version,
  revision: `${version}+r`,
  bundleKey: 'k',
  sha256: 's',
  deploymentId: 'd-STAGING1',
  deployedAt: '2026-12-01T10:00:00.000Z',
  commit: 'c0ffee0',
})

test.before(async () => {
  moto = await startMoto()
  // Two profiles, one per account, and nothing else: no keys in the environment for the SDK to fall back on.
  const profiles = { staging: await credentialsIn('444455556666'), production: await credentialsIn('111122223333') }
  writeFileSync(
    join(work, 'credentials'),
    Object.entries(profiles)
      .map(
        ([name, c]) =>
          `[${name}]\naws_access_key_id = ${c.AccessKeyId}\naws_secret_access_key = ${c.SecretAccessKey}\naws_session_token = ${c.SessionToken}\n`,
      )
      .join('\n'),
  )
  writeFileSync(
    join(work, 'config'),
    Object.keys(profiles)
      .map((name) => `[profile ${name}]\nregion = ${region}\n`)
      .join('\n'),
  )
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete process.env[k]
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_CONFIG_FILE: join(work, 'config'),
  })

  const side = (env: 'staging' | 'production'): Side => {
    const model = readModel(root, env)
    const clients = awsClients(region, env)
    return {
      model,
      sts: clients.sts,
      store: s3ArtifactStore(clients.s3, model.env.buckets.artifacts, model.env.kms.keyAlias),
    }
  }
  sides = { staging: side('staging'), production: side('production') }
  for (const env of ['staging', 'production'] as const) {
    await awsClients(region, env).s3.send(
      new CreateBucketCommand({
        Bucket: sides[env].model.env.buckets.artifacts,
        CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
      }),
    )
  }
  // patient-api: the same bytes in both accounts (a reproducible build); doctor-api: published in staging only;
  // admin-portal: staging runs a version its branch no longer names (decide.ts's other refusals are unit-tested).
  for (const env of ['staging', 'production'] as const)
    await release(sides[env].store, 'patient-api', '1.15.0-rc.1', 'console.log("1.15.0-rc.1")\n')
  await release(sides.staging.store, 'doctor-api', '1.10.0-rc.2', 'console.log("doctor")\n')
  await writeState(sides.staging.store, {
    environment: 'staging',
    apps: {
      'patient-api': deployed('1.15.0-rc.1'),
      'doctor-api': deployed('1.10.0-rc.2'),
      'admin-portal': deployed('2.4.0'),
    },
    files: {},
  })

  // The operations repository: production and staging branches on a bare remote, and a developer's clone of it.
  const seed = join(work, 'seed')
  mkdirSync(seed)
  copyCheckout(seed, 'production', 'production branch')
  git(seed, 'branch', 'staging')
  git(work, 'clone', '-q', '--bare', seed, origin)
  git(work, 'clone', '-q', origin, checkout)
})
test.after(async () => {
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

const promote = (app: string, from = sides.staging, to = sides.production) =>
  runPromote({ app, from, to, root: checkout, remote: 'origin', pullRequests, log: (l) => lines.push(l) })
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'promoted',
    (e: Error) => `${e instanceof InputError ? '' : 'UNEXPECTED '}${e.message}`,
  )

test('promotes what staging runs: a branch off production changing one line, and a pull request into production', async () => {
  const productionBefore = git(origin, 'rev-parse', 'refs/heads/production')
  const r = await promote('patient-api')
  assert.equal(
    { ...r, commit: 'c' },
    {
      kind: 'opened',
      pullRequest: '1',
      branch: 'promote/patient-api-1.15.0-rc.1',
      version: '1.15.0-rc.1',
      commit: 'c',
    },
  )
  // production itself is untouched; the branch is one commit on top of it, changing one line of production.yaml.
  assert.is(git(origin, 'rev-parse', 'refs/heads/production'), productionBefore)
  assert.is(git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0-rc.1^'), productionBefore)
  assert.is(
    git(origin, 'diff', '--stat', 'production', 'promote/patient-api-1.15.0-rc.1'),
    'environments/production.yaml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)',
  )
  assert.match(
    git(origin, 'diff', '-U0', 'production', 'promote/patient-api-1.15.0-rc.1'),
    /\n-    version: 1\.14\.2\n\+    version: 1\.15\.0-rc\.1$/,
  )
  assert.equal(
    { ...opened[0]!, description: '', token: '' },
    {
      repository: 'drsignet-platform',
      source: 'promote/patient-api-1.15.0-rc.1',
      target: 'production',
      title: 'Promote patient-api 1.15.0-rc.1 from staging to production',
      description: '',
      token: '',
    },
  )
  assert.match(
    opened[0]!.description,
    /^patient-api: production 1\.14\.2 → 1\.15\.0-rc\.1\.\nstaging runs 1\.15\.0-rc\.1 since 2026-12-01T10:00:00\.000Z \(deployment d-STAGING1\)\./,
  )
  assert.ok(
    lines.includes('promote: staging runs patient-api 1.15.0-rc.1 since 2026-12-01T10:00:00.000Z (commit c0ffee0)'),
    lines.join('\n'),
  )
})

test('the same promotion again (say the pull request was not opened): the same commit, nothing new pushed, the same pull request', async () => {
  const branchBefore = git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0-rc.1')
  const r = await promote('patient-api')
  assert.is(r.kind === 'opened' && r.pullRequest, '1')
  assert.is(r.kind === 'opened' && r.commit, branchBefore)
  assert.is(git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0-rc.1'), branchBefore)
  assert.is(opened.length, 2)
  assert.is(opened[1]!.token, opened[0]!.token)
})

test('a branch of that name holding another change: refused, naming the way out', async () => {
  // Another commit entirely (not one ours could fast-forward), as a hand-made branch would be.
  git(
    origin,
    'update-ref',
    'refs/heads/promote/patient-api-1.15.0-rc.1',
    git(origin, 'commit-tree', 'production^{tree}', '-m', 'by hand'),
  )
  const msg = await refusal(promote('patient-api'))
  assert.match(
    msg,
    /^cannot push promote\/patient-api-1\.15\.0-rc\.1 to origin: .*; a branch of that name holds another change: delete it, or promote from its pull request$/,
  )
  assert.is(opened.length, 2)
})

test('refused, with nothing pushed: a release production lacks; a staging whose branch names another version than it runs', async () => {
  const branches = () => git(origin, 'branch', '--list')
  const before = branches()
  assert.is(
    await refusal(promote('doctor-api')),
    'promote doctor-api: production has no release doctor-api 1.10.0-rc.2: its release project publishes it from drsignet-doctor-api at abc1234; run it, then promote again; nothing was pushed',
  )
  assert.match(
    await refusal(promote('admin-portal')),
    /^promote admin-portal: staging names admin-portal 2\.3\.1 but runs 2\.4\.0/,
  )
  assert.is(branches(), before)
  assert.is(opened.length, 2)
})

test("each side's credentials must be for its own account", async () => {
  const swapped = { ...sides.staging, sts: sides.production.sts }
  assert.match(
    await refusal(promote('patient-api', swapped)),
    /^environment staging is account 444455556666; these credentials \(arn:aws:sts::111122223333:assumed-role\/drsignet-release-manager\/promote-test\) are for 111122223333/,
  )
})

test('the CLI: both environments named, and different', async () => {
  const cli = (args: string[]) => runOps(['promote', ...args])
  const none = await cli(['patient-api', '--from', 'staging'])
  assert.is(none.code, 2)
  assert.match(none.stderr, /^--from and --to name the two environments\n/)
  const same = await cli(['patient-api', '--from', 'staging', '--to', 'staging'])
  assert.is(same.code, 2)
  assert.match(same.stderr, /^--from and --to are both staging/)
})

test.run()
