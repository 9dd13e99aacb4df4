// Rendering an environment as another commit has it: the ref resolved, that commit's own code and templates in a
// temporary worktree, nothing left behind, a failed render said in one line (temp git repository; spawns git and node).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { renderAtCommit, resolveRef } from '../../scripts/lib/output/render-at-ref.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { loadLayout } from '../../scripts/lib/render/diagram-layout.ts'
import { renderAll } from '../../scripts/lib/render/render-all.ts'
import { copyCheckout, git as gitIn, linkNodeModules } from '../harness/checkout-copy.ts'

const repo = mkdtempSync(join(tmpdir(), 'render-at-ref-repo-'))
const git = (...args: string[]) => gitIn(repo, ...args)
/** A commit on top of `base` with `change` applied to the work tree, left checked out on `base` again. */
function commitOn(base: string, message: string, change: () => void): string {
  git('checkout', '-q', '--detach', base)
  change()
  // Tracked files only: the node_modules link must stay out of the commit, or checking out base removes it.
  git('commit', '-q', '-a', '-m', message)
  const commit = git('rev-parse', 'HEAD')
  git('checkout', '-q', base)
  return commit
}
const tempFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('render-against-'))
const already = new Set(tempFolders())
/** renderAtCommit's temporary folders that are still there (others' from before this file are not counted). */
const leftovers = () => tempFolders().filter((name) => !already.has(name))
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'rendered',
    (e: Error) => `${e instanceof InputError ? '' : 'NOT AN InputError: '}${e.message}`,
  )

let base = ''
test.before(() => {
  copyCheckout(repo, 'production', 'target')
  base = git('rev-parse', 'HEAD')
  // Linked after copyCheckout's commit, as in a checkout: each worktree links it in from here.
  linkNodeModules(repo)
  git('checkout', '-q', '-b', 'feature')
})
test.after(() => rmSync(repo, { recursive: true, force: true }))

test('a ref names its commit; without one, the upstream does, under its own name', async () => {
  assert.equal(await resolveRef(repo, 'production'), { ref: 'production', commit: base })
  assert.equal(await resolveRef(repo, base.slice(0, 10)), { ref: base.slice(0, 10), commit: base })
  git('branch', '-q', '--set-upstream-to', 'production')
  try {
    assert.equal(await resolveRef(repo, undefined), { ref: 'production', commit: base })
  } finally {
    git('branch', '-q', '--unset-upstream')
  }
})

test('a ref that is not a commit, and no upstream, are input errors that say what to pass', async () => {
  const blob = git('rev-parse', 'HEAD:package.json')
  assert.match(
    await refusal(resolveRef(repo, blob)),
    new RegExp(`^--against ${blob}: not a commit here \\(.+\\); fetch it first, or name another$`),
  )
  assert.match(
    await refusal(resolveRef(repo, undefined)),
    /^--against: this branch has no upstream \(.+\); name the branch the pull request targets: --against origin\/production$/,
  )
})

test("the commit's render is the one its tree makes, byte for byte, and no worktree or temp folder is left", async () => {
  const files = await renderAtCommit(repo, base, 'staging')
  const expected = renderAll(readModel(repo, 'staging'), repo, await loadLayout())
  assert.equal(
    files.map((f) => f.path),
    expected.map((f) => f.path),
  )
  for (const [i, f] of files.entries()) assert.is(f.contents, expected[i]!.contents, f.path)
  assert.is(git('worktree', 'list').split('\n').length, 1)
  assert.equal(leftovers(), [])
})

test("the commit's own templates render, not this checkout's", async () => {
  const marked = commitOn(base, 'a template change', () => {
    const vhost = join(repo, 'nginx/vhost.conf.njk')
    writeFileSync(vhost, `# marked by the commit\n${readFileSync(vhost, 'utf8')}`)
  })
  const files = await renderAtCommit(repo, marked, 'staging')
  const vhost = files.find((f) => f.path === 'apps/patient-api/nginx/patient-api.conf')!
  assert.is(vhost.contents.split('\n')[0], '# marked by the commit')
  assert.not.ok(readFileSync(join(repo, 'nginx/vhost.conf.njk'), 'utf8').startsWith('# marked'))
})

test('an environment the commit does not have renders as nothing', async () => {
  const without = commitOn(base, 'no staging', () => unlinkSync(join(repo, 'environments/staging.yaml')))
  assert.equal(await renderAtCommit(repo, without, 'staging'), [])
  assert.ok(existsSync(join(repo, 'environments/staging.yaml')))
  assert.equal(leftovers(), [])
})

test("a commit whose render fails: an input error naming the commit and the render's last line, nothing left", async () => {
  const broken = commitOn(base, 'a broken YAML', () => {
    const file = join(repo, 'environments/staging.yaml')
    writeFileSync(file, `${readFileSync(file, 'utf8')}bogus: 1\n`)
  })
  assert.match(
    await refusal(renderAtCommit(repo, broken, 'staging')),
    new RegExp(
      `^--against ${broken.slice(0, 12)}: its render of staging failed \\(environments/staging\\.yaml:\\d+:1: unknown key 'bogus'[^\\n]*\\); compare with another commit$`,
    ),
  )
  assert.is(git('worktree', 'list').split('\n').length, 1)
  assert.equal(leftovers(), [])
})

test.run()
