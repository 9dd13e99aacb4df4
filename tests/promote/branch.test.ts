// A promotion's branch: fetching the target branch's head, reading a file at a commit, and pushing one commit from a
// throwaway worktree that leaves the user's checkout alone (temp files; spawns git on a bare remote and its clone).
import { execFileSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { git } from '../harness/checkout-copy.ts'
import { fetchBranch, pushPromotion, showFile, type PromotionBranch } from '../../scripts/lib/promote/branch.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'

const work = mkdtempSync(join(tmpdir(), 'promote-branch-'))
const origin = join(work, 'origin.git')
const seed = join(work, 'seed')
const checkout = join(work, 'checkout')
const FILE = 'environments/production.yaml'
const v1 = 'apps:\n  patient-api:\n    version: 1.14.2\n'

/** A commit of `text` as FILE on the seed's production branch, pushed to the remote. */
function commitToOrigin(text: string, message: string, when: string): string {
  writeFileSync(join(seed, FILE), text)
  git(seed, 'add', '-A')
  execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'commit.gpgsign=false',
      'commit',
      '-q',
      '-m',
      message,
    ],
    {
      cwd: seed,
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
    },
  )
  git(seed, 'push', '-q', origin, 'production')
  return git(seed, 'rev-parse', 'HEAD')
}

let first: string
test.before(() => {
  mkdirSync(join(seed, 'environments'), { recursive: true })
  git(work, 'init', '-q', '--bare', '-b', 'production', origin)
  git(seed, 'init', '-q', '-b', 'production')
  first = commitToOrigin(v1, 'production at 1.14.2', '2026-05-01T08:00:00+00:00')
  git(work, 'clone', '-q', origin, checkout)
})
test.after(() => {
  rmSync(work, { recursive: true, force: true })
})

const promotion = (branch: string): PromotionBranch => ({
  remote: 'origin',
  branch,
  file: FILE,
  message: 'Promote patient-api 1.15.0\n\nstaging runs it.',
})
const bump = (text: string) => text.replace('1.14.2', '1.15.0')
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'pushed',
    (e: Error) => `${e instanceof InputError ? '' : 'UNEXPECTED '}${e.message}`,
  )

test("the branch's head as the remote has it now, fetched; a branch the remote lacks is refused with git's reason", async () => {
  assert.is(await fetchBranch(checkout, 'origin', 'production'), first)
  // The clone's own idea of the branch is stale after this; the fetch is not.
  const second = commitToOrigin(v1 + '# reviewed\n', 'a comment', '2026-05-02T08:00:00+00:00')
  assert.is(await fetchBranch(checkout, 'origin', 'production'), second)
  assert.is(git(checkout, 'rev-parse', 'origin/production'), second)
  // git's wording of the missing ref varies between versions (`refs/heads/staging` in newer ones, `staging` before).
  assert.match(
    await fetchBranch(checkout, 'origin', 'staging').catch((e: Error) => e.message),
    /^cannot fetch staging from origin: fatal: [^\n]*\bstaging$/,
  )
})

test('a file as it is at a given commit', async () => {
  const head = await fetchBranch(checkout, 'origin', 'production')
  assert.is(await showFile(checkout, first, FILE), v1)
  assert.is(await showFile(checkout, head, FILE), v1 + '# reviewed\n')
})

test("a promotion is one commit on the base, pushed as its own branch, by the tool at the base's time; the checkout is untouched", async () => {
  const base = await fetchBranch(checkout, 'origin', 'production')
  const head = git(checkout, 'rev-parse', 'HEAD')
  let seen: { worktree: string; text: string } | undefined
  const commit = await pushPromotion(checkout, base, promotion('promote/patient-api-1.15.0'), bump, (worktree) => {
    seen = { worktree, text: readFileSync(join(worktree, FILE), 'utf8') }
  })
  assert.is(git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0'), commit)
  assert.is(git(origin, 'rev-parse', `${commit}^`), base)
  assert.is(git(origin, 'show', `${commit}:${FILE}`), bump(v1 + '# reviewed\n').trimEnd())
  assert.is(
    git(origin, 'show', '-s', '--format=%an <%ae> %aI|%cn %cI|%B', commit),
    'ops promote <ops-promote@localhost> 2026-05-02T08:00:00+00:00|ops promote 2026-05-02T08:00:00+00:00|Promote patient-api 1.15.0\n\nstaging runs it.',
  )
  assert.is(git(origin, 'rev-parse', 'refs/heads/production'), base, 'the protected branch is never pushed')
  // The check saw the edited file in a worktree of its own, which is gone; the user's checkout is as it was.
  assert.equal(seen?.text, bump(v1 + '# reviewed\n'))
  assert.ok(seen!.worktree !== checkout && !existsSync(seen!.worktree), seen!.worktree)
  assert.is(git(checkout, 'rev-parse', 'HEAD'), head)
  assert.is(git(checkout, 'status', '--porcelain'), '')
  assert.is(git(checkout, 'worktree', 'list', '--porcelain').split('\n\n').length, 1)
})

test('the same promotion again is the same commit, and the push changes nothing', async () => {
  const base = await fetchBranch(checkout, 'origin', 'production')
  const before = git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0')
  const again = await pushPromotion(checkout, base, promotion('promote/patient-api-1.15.0'), bump, () => {})
  assert.is(again, before)
  assert.is(git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.15.0'), before)
})

test('an edit the check rejects: its error, nothing pushed, the worktree removed', async () => {
  const base = await fetchBranch(checkout, 'origin', 'production')
  let worktree = ''
  const msg = await refusal(
    pushPromotion(checkout, base, promotion('promote/patient-api-bad'), bump, (w) => {
      worktree = w
      throw new InputError('environments/production.yaml: apps.patient-api.version: not a version')
    }),
  )
  assert.is(msg, 'environments/production.yaml: apps.patient-api.version: not a version')
  assert.is(git(origin, 'branch', '--list', 'promote/patient-api-bad'), '')
  assert.ok(worktree && !existsSync(worktree), worktree)
  assert.is(git(checkout, 'worktree', 'list', '--porcelain').split('\n\n').length, 1)
})

test('a branch of that name holding another change: refused, naming the way out, and left as it was', async () => {
  const base = await fetchBranch(checkout, 'origin', 'production')
  const other = git(origin, 'commit-tree', `${base}^{tree}`, '-m', 'by hand')
  git(origin, 'update-ref', 'refs/heads/promote/patient-api-1.16.0', other)
  const edit = (text: string) => text.replace('1.14.2', '1.16.0')
  // git's own reason is its `! [rejected]` line, not the hints it prints after it; git pads that line to the width
  // of an abbreviated commit name, which core.abbrev changes.
  assert.match(
    await refusal(pushPromotion(checkout, base, promotion('promote/patient-api-1.16.0'), edit, () => {})),
    /^cannot push promote\/patient-api-1\.16\.0 to origin: ! \[rejected\]\s+HEAD -> promote\/patient-api-1\.16\.0 \(fetch first\); a branch of that name holds another change: delete it, or promote from its pull request$/,
  )
  assert.is(git(origin, 'rev-parse', 'refs/heads/promote/patient-api-1.16.0'), other)
})

test.run()
