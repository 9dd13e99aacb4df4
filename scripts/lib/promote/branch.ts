// Puts a promotion on its own branch of the operations repository, from the target branch's head, in a throwaway
// worktree: the user's checkout is never touched and the protected branch is never pushed (I/O: git).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from '../shell.ts'
import { InputError } from '../cli/errors.ts'

export type PromotionBranch = { remote: string; branch: string; file: string; message: string }

const git = (cwd: string) => $({ cwd, quiet: true, verbose: false })
/** What git said went wrong: a refused ref's `! [rejected] …` line, else its last line that is not a hint. */
function gitReason(e: unknown): string {
  const lines = ((e as { stderr?: string }).stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'))
  return lines.find((l) => l.startsWith('! ')) ?? lines.at(-1) ?? 'git gave no reason'
}

/** The remote branch's head commit, fetched (what a promotion is based on and read from). */
export async function fetchBranch(root: string, remote: string, branch: string): Promise<string> {
  await git(root)`git fetch --quiet ${remote} ${`refs/heads/${branch}`}`.catch((e: unknown) => {
    throw new Error(`cannot fetch ${branch} from ${remote}: ${gitReason(e)}`)
  })
  return (await git(root)`git rev-parse FETCH_HEAD`).stdout.trim()
}

export async function showFile(root: string, commit: string, file: string): Promise<string> {
  return (await git(root)`git show ${`${commit}:${file}`}`).stdout
}

/**
 * From `base`, applies `edit` to `file`, checks the result with `check` (the environment must still validate), commits
 * and pushes the new branch; returns the commit. The same branch again is a no-op push; a branch of that name with
 * other content is refused by git, and said so.
 */
export async function pushPromotion(
  root: string,
  base: string,
  p: PromotionBranch,
  edit: (text: string) => string,
  check: (worktree: string) => void,
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'promote-'))
  try {
    await git(root)`git worktree add --quiet --detach ${work} ${base}`
    const at = join(work, p.file)
    writeFileSync(at, edit(readFileSync(at, 'utf8')))
    check(work)
    // The same promotion is the same commit: the tool's identity and the base's own time, so a run that stopped after
    // the push (the pull request not opened) pushes nothing new when run again, and opens the pull request then.
    const when = (await git(root)`git show -s --format=%cI ${base}`).stdout.trim()
    const wt = $({
      cwd: work,
      quiet: true,
      verbose: false,
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
    })
    await wt`git -c user.name=${'ops promote'} -c user.email=ops-promote@localhost -c commit.gpgsign=false commit --quiet -am ${p.message}`
    const commit = (await wt`git rev-parse HEAD`).stdout.trim()
    await wt`git push --quiet ${p.remote} ${`HEAD:refs/heads/${p.branch}`}`.catch((e: unknown) => {
      throw new InputError(
        `cannot push ${p.branch} to ${p.remote}: ${gitReason(e)}; a branch of that name holds another change: delete it, or promote from its pull request`,
      )
    })
    return commit
  } finally {
    await git(root)`git worktree remove --force ${work}`.nothrow()
    rmSync(work, { recursive: true, force: true })
  }
}
