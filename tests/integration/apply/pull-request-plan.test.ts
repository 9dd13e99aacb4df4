// A pull request cannot forge its own plan: with two worktrees of one repository (the target branch and a pull request
// that bumps a version and rewrites the plan's formatter), the pull-request build's script, run from the target branch,
// plans the pull request's YAML with the target branch's code and names it (I/O: git, moto on loopback, child processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copyCheckout, git, linkNodeModules } from '../../harness/checkout-copy.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { createDeploymentGroups, MOTO_UNSUPPORTED, root, useMotoEnv } from './support.ts'

let moto: Moto
const work = mkdtempSync(join(tmpdir(), 'pr-plan-'))
const target = join(work, 'target')
const pr = join(work, 'pull-request')
const skipFlags = [...Object.keys(MOTO_UNSUPPORTED), 'load-balancer.yaml', 'monitoring.yaml'].flatMap((t) => [
  '--skip-template',
  t,
])
const FORGED = '## Plan for `staging`: nothing to review, approve it'

function run(cwd: string, script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd, env: { ...process.env, ...moto.env, NODE_NO_WARNINGS: '1' }, maxBuffer: 16 << 20 },
      (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

test.before(async () => {
  const model = readModel(root, 'staging')
  moto = await startMoto({ account: model.env.account })
  useMotoEnv(moto)
  await createDeploymentGroups(model)
  // The target branch: this working tree's files as git sees them (uncommitted work too), one commit.
  copyCheckout(target, 'production', 'target branch')
  // The pull request: a version bump (content) and a formatter that claims nothing changes (code).
  git(target, 'worktree', 'add', '-q', '-b', 'feature', pr)
  const env = join(pr, 'environments/staging.yaml')
  writeFileSync(env, readFileSync(env, 'utf8').replace('version: 1.15.0-rc.1', 'version: 1.15.0'))
  const format = join(pr, 'scripts/lib/plan/format.ts')
  writeFileSync(
    format,
    readFileSync(format, 'utf8').replace('`## Plan for \\`${p.environment}\\``', `${JSON.stringify(FORGED)}`),
  )
  git(pr, 'commit', '-q', '-am', 'bump patient-api, and a friendlier plan')
  for (const dir of [target, pr]) linkNodeModules(dir)
})
test.after(async () => {
  await moto?.stop()
  rmSync(work, { recursive: true, force: true })
})

test("the pull request's own tools would post the forged plan (so the next test can fail)", async () => {
  const r = await run(pr, 'scripts/ops.ts', ['plan', 'staging', '--format', 'markdown', ...skipFlags])
  assert.is(r.code, 0, r.stderr)
  assert.ok(r.stdout.startsWith(FORGED), r.stdout.slice(0, 200))
})

test("the pull-request build plans the pull request's YAML with the target branch's code, and says so", async () => {
  const out = join(work, 'build')
  const r = await run(target, 'scripts/pull-request-plan.ts', ['staging', pr, '--out', out, '--', ...skipFlags])
  assert.is(r.code, 0, r.stderr)
  const toolsCommit = git(target, 'rev-parse', 'HEAD')
  const md = readFileSync(join(out, 'plan/plan.md'), 'utf8')
  assert.not.ok(md.includes('nothing to review'), md.slice(0, 400))
  const lines = md.split('\n')
  assert.is(lines[0], '## Plan for `staging`')
  assert.is(
    lines[4],
    `> Computed by the target branch's tools at ${toolsCommit.slice(0, 12)}, over this pull request's YAML, templates and hooks.`,
  )
  assert.ok(
    lines[6]!.startsWith(
      '> :warning: This pull request also changes 1 tool file(s) (scripts/lib/plan/format.ts): they are not in this plan',
    ),
    lines[6],
  )
  // The content is the pull request's: the bumped version is what would deploy.
  assert.match(md, /\| patient-api \| `\(none\)` \| `1\.15\.0\+[0-9a-f]{12}` \| \*\*deploy\*\* \|/)
  assert.ok(
    readFileSync(join(out, 'plan/plan.txt'), 'utf8').includes(
      `Computed by the target branch's tools at ${toolsCommit.slice(0, 12)}`,
    ),
  )
  assert.ok(readFileSync(join(out, 'reports/validate.xml'), 'utf8').includes('<testsuites'))
  assert.ok(
    r.stderr.includes(
      `pull-request plan: tools ${toolsCommit.slice(0, 12)} (target branch), content ${git(pr, 'rev-parse', 'HEAD').slice(0, 12)} (pull request), 1 tool file(s) changed`,
    ),
    r.stderr,
  )
})

test('a pull-request folder that is not a checkout is one line, exit 1', async () => {
  const r = await run(target, 'scripts/pull-request-plan.ts', ['staging', work])
  assert.is(r.code, 1)
  assert.is(
    r.stderr.trim(),
    `${work}: not a checkout of this repository (no environments/); pass the pull request's source folder`,
  )
})

test.run()
