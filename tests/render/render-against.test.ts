// render --check --against REF: the diff of a change against the branch it targets, rendered by that branch's own
// code in a temporary worktree, whatever build/ holds (I/O: a temporary git repository, child processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copyCheckout, git as gitIn, linkNodeModules } from '../harness/checkout-copy.ts'

const repo = mkdtempSync(join(tmpdir(), 'render-against-'))
const git = (...args: string[]) => gitIn(repo, ...args)
const ops = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args], { cwd: repo, encoding: 'utf8' })

test.before(() => {
  copyCheckout(repo, 'production', 'target')
  linkNodeModules(repo)
  git('checkout', '-q', '-b', 'feature')
})
test.after(() => rmSync(repo, { recursive: true, force: true }))

test('the same tree renders the same: exit 0', () => {
  const r = ops('render', 'staging', '--check', '--against', 'production')
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^staging renders the same as production \([0-9a-f]{12}\): \d+ files\n$/)
})

test('a version bump shows as its diff against the target, exit 1, with build/ never consulted', () => {
  const env = join(repo, 'environments/staging.yaml')
  writeFileSync(env, readFileSync(env, 'utf8').replace('version: 1.15.0-rc.1', 'version: 1.15.0'))
  // A stale build/ from another render must not matter.
  mkdirSync(join(repo, 'build/staging'), { recursive: true })
  writeFileSync(join(repo, 'build/staging/junk.txt'), 'left over\n')
  const r = ops('render', 'staging', '--check', '--against', 'production')
  assert.is(r.status, 1)
  assert.match(
    r.stdout,
    /^--- a\/apps\/patient-api\/deploy\/ecosystem\.config\.cjs\tproduction\n\+\+\+ b\/apps\/patient-api\/deploy\/ecosystem\.config\.cjs\tthis change\n/m,
  )
  assert.match(r.stdout, /^-APP_VERSION='1\.15\.0-rc\.1'\n\+APP_VERSION='1\.15\.0'$/m)
  assert.not.match(r.stdout, /junk\.txt/)
  assert.match(r.stderr, /^\d+ file\(s\) of staging change against production \([0-9a-f]{12}\)\n$/)
  assert.equal(git('worktree', 'list').split('\n').length, 1, 'the temporary worktree is gone')
})

test('without an upstream, or with an unknown ref: one line saying what to pass', () => {
  const none = ops('render', 'staging', '--check', '--against', '')
  assert.is(none.status, 1)
  assert.match(
    none.stderr,
    /^--against: this branch has no upstream \(.*\); name the branch the pull request targets: --against origin\/production\n$/,
  )
  const bad = ops('render', 'staging', '--check', '--against', 'no-such-branch')
  assert.is(bad.status, 1)
  assert.match(bad.stderr, /^--against no-such-branch: not a commit here \(.*\); fetch it first, or name another\n$/)
})

test.run()
