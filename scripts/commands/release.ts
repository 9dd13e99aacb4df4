// release APP VERSION --from DIR [--build]: publish an app's build output as an immutable, checksummed release,
// from the app repository's CI (I/O: the folder, npm with --build, git, STS, S3).
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { $ } from '../lib/shell.ts'
import { parseCommand } from '../lib/cli/args.ts'
import { InputError, UsageError } from '../lib/cli/errors.ts'
import { readModel } from '../lib/config/read.ts'
import { versionPattern } from '../lib/config/schemas.ts'
import { awsClients } from '../lib/aws/clients.ts'
import { s3ArtifactStore } from '../lib/aws/artifact-store.ts'
import { callerInAccount } from '../lib/aws/identity.ts'
import { progress } from './wiring/aws.ts'
import { buildApp } from '../lib/release/build.ts'
import { packRelease } from '../lib/release/pack.ts'
import { publishRelease, ReleaseConflictError } from '../lib/release/publish.ts'
import type { ReleaseManifest } from '../lib/release/manifest.ts'

export const summary = "publish an app's build output as an immutable release (from the app repository's CI)"
const usage = 'release APP VERSION --from DIR [--build] [--env ENV] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { from: { type: 'string' }, build: { type: 'boolean' }, env: { type: 'string' } },
    { min: 2, max: 2 },
  )
  if (values.help)
    return (
      console.log(
        `usage: ${usage}\nThe environment whose artifacts bucket receives it: --env, else OPS_ENV (the release project sets it).`,
      ),
      0
    )
  const [appName, version] = positionals as [string, string]
  const env = (values.env as string | undefined) ?? process.env.OPS_ENV
  if (!env)
    throw new UsageError(
      `which environment's artifacts bucket? pass --env ENV (the release project sets OPS_ENV)\nusage: ${usage}`,
    )
  if (typeof values.from !== 'string')
    throw new UsageError(
      `--from DIR is required: the app's checkout (with --build) or its build output\nusage: ${usage}`,
    )
  if (!versionPattern().test(version))
    throw new UsageError(`VERSION "${version}" is not a version like 1.14.2 or 1.15.0-rc.1\nusage: ${usage}`)
  const dir = resolve(values.from)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`--from ${values.from}: no such directory`)

  const model = readModel(resolve(values.root ?? '.'), env)
  const app = model.apps.find((a) => a.name === appName)
  if (!app)
    throw new InputError(
      `no app "${appName}" in environment ${env}: one of ${model.apps.map((a) => a.name).join(', ')}`,
    )
  const clients = awsClients(model.env.region)
  // Before the build: a release made for the wrong account is refused before minutes of npm.
  await callerInAccount(clients.sts, model.env)

  if (values.build)
    await buildApp(dir, app.kind, progress).catch((e: Error) => {
      throw new InputError(e.message)
    })
  const packed = await packRelease(dir).catch((e: Error) => {
    throw new InputError(e.message)
  })
  progress(`release: packed ${packed.files} files, ${(packed.gz.length / 1e6).toFixed(1)} MB, sha256 ${packed.sha256}`)
  const manifest: ReleaseManifest = {
    app: app.name,
    version,
    sha256: packed.sha256,
    bytes: packed.gz.length,
    files: packed.files,
    source: await sourceOf(dir),
    build: process.env.CODEBUILD_BUILD_ID ?? 'local',
    node: process.version,
    createdAt: new Date().toISOString(),
  }
  const store = s3ArtifactStore(clients.s3, model.env.buckets.artifacts, model.env.kms.keyAlias)
  try {
    const r = await publishRelease(store, packed, manifest)
    console.log(
      {
        published: `release ${app.name} ${version}: published ${r.url} (sha256 ${packed.sha256})`,
        completed: `release ${app.name} ${version}: the bytes were published, the manifest was missing and is now written (sha256 ${packed.sha256})`,
        unchanged: `release ${app.name} ${version}: already published with these same bytes (sha256 ${packed.sha256}): nothing to do`,
      }[r.outcome],
    )
    return 0
  } catch (e) {
    if (e instanceof ReleaseConflictError) throw new InputError(e.message)
    throw e
  }
}

/** The repository and commit: CodeBuild's, else the checkout's own git, else unknown (a folder of build output). */
async function sourceOf(dir: string): Promise<ReleaseManifest['source']> {
  const git = $({ cwd: dir, quiet: true, nothrow: true })
  const repository =
    process.env.CODEBUILD_SOURCE_REPO_URL || (await git`git config --get remote.origin.url`).stdout.trim() || 'unknown'
  const commit =
    process.env.CODEBUILD_RESOLVED_SOURCE_VERSION || (await git`git rev-parse HEAD`).stdout.trim() || 'unknown'
  return { repository, commit: /^[0-9a-f]{7,40}$/.test(commit) ? commit : 'unknown' }
}
