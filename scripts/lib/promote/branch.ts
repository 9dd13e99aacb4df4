// Puts a promotion on its own branch of the operations repository, from the target branch's head, in a throwaway
// worktree: the user's checkout is never touched and the protected branch is never pushed (I/O: git).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from 'zx'

export type PromotionBranch = { remote: string; branch: string; file: string; message: string }

const git = (cwd: string) => $({ cwd, quiet: true, verbose: false })
const lastLine = (e: unknown) => ((e as { stderr?: string }).stderr ?? '').trim().split('\n').at(-1)

/** The remote branch's head commit, fetched (what a promotion is based on and read from). */
export async function fetchBranch(root: string, remote: string, branch: string): Promise<string> {
  await git(root)`git fetch --quiet ${remote} ${`refs/heads/${branch}`}`.catch((e: unknown) => {
    throw new Error(`cannot fetch ${branch} from ${remote}: ${lastLine(e)}`)
  })
  return (await git(root)`git rev-parse FETCH_HEAD`).stdout.trim()
}

export async function showFile(root: string, commit: string, file: string): Promise<string> {
  return (await git(root)`git show ${`${commit}:${file}`}`).stdout
}

/**
 * From `base`, applies `edit` to `file`, checks the result with `check` (the environment must still validate), commits
 * and pushes the new branch; returns the commit. A branch of that name already on the remote with other content is
 * refused by git, and said so.
 */
export async function pushPromotion(root: string, base: string, p: PromotionBranch, edit: (text: string) => string, check: (worktree: string) => void): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'promote-'))
  try {
    await git(root)`git worktree add --quiet --detach ${work} ${base}`
    const at = join(work, p.file)
    writeFileSync(at, edit(readFileSync(at, 'utf8')))
    check(work)
    const wt = git(work)
    // A build with no git identity (CodeBuild) still commits, as the tool; a person's own identity wins.
    const named = (await wt`git config user.email`.nothrow()).stdout.trim()
    const identity = named ? [] : ['-c', 'user.name=ops promote', '-c', 'user.email=ops-promote@localhost']
    await wt`git ${identity} commit --quiet -am ${p.message}`
    const commit = (await wt`git rev-parse HEAD`).stdout.trim()
    await wt`git push --quiet ${p.remote} ${`HEAD:refs/heads/${p.branch}`}`.catch((e: unknown) => {
      throw new Error(`cannot push ${p.branch} to ${p.remote}: ${lastLine(e)} (a promotion of this version may be open already)`)
    })
    return commit
  } finally {
    await git(root)`git worktree remove --force ${work}`.nothrow()
    rmSync(work, { recursive: true, force: true })
  }
}
