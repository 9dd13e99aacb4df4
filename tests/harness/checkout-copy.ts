// A throwaway git repository holding this checkout's files as git sees them (uncommitted work too), committed once
// on BRANCH, so tests can make branches and worktrees of it; node_modules is linked in after the commit, never
// committed (I/O: copies files, runs git).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname

/** git in `cwd`, as a committer that needs no configuration of this machine. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim()

/** Links this checkout's node_modules into `dir`, so code there runs with it. */
export const linkNodeModules = (dir: string) => symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))

export function copyCheckout(dest: string, branch: string, message: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean)
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), { recursive: true })
    cpSync(join(root, f), join(dest, f))
  }
  git(dest, 'init', '-q', '-b', branch)
  git(dest, 'add', '-A')
  git(dest, 'commit', '-q', '-m', message)
}
