// Renders an environment as another commit has it (the branch a pull request targets): that commit, code and YAML,
// in a temporary git worktree, as its own build/ would hold it (I/O: git, a child process, temp files).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { InputError } from '../cli/errors.ts'
import type { RenderedFile } from '../render/types.ts'
import { listTree } from './write-tree.ts'

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

/** REF, or the current branch's upstream when none is given; a name the user can read back. */
export function resolveRef(root: string, ref: string | undefined): { ref: string; commit: string } {
  const name = ref ?? '@{upstream}'
  try {
    return {
      ref: ref ?? git(root, 'rev-parse', '--abbrev-ref', '@{upstream}'),
      commit: git(root, 'rev-parse', '--verify', `${name}^{commit}`),
    }
  } catch (e) {
    const why = ((e as { stderr?: string }).stderr ?? '').trim().split('\n').pop() ?? ''
    throw new InputError(
      ref === undefined
        ? `--against: this branch has no upstream (${why}); name the branch the pull request targets: --against origin/production`
        : `--against ${ref}: not a commit here (${why}); fetch it first, or name another`,
    )
  }
}

/**
 * ENV's files as `commit` renders them, with that commit's own code (its YAML may not fit today's schema, and its
 * render is what its build/ held); node_modules is this checkout's. An environment it does not have renders as nothing.
 */
export function renderAtCommit(root: string, commit: string, env: string): RenderedFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'render-against-'))
  const tree = join(dir, 'tree')
  try {
    git(root, 'worktree', 'add', '--detach', '--quiet', tree, commit)
    if (!existsSync(join(tree, 'environments', `${env}.yaml`))) return []
    if (!existsSync(join(tree, 'node_modules'))) symlinkSync(resolve(root, 'node_modules'), join(tree, 'node_modules'))
    const out = join(dir, 'out')
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', 'render', env, '--out', out], {
      cwd: tree,
      encoding: 'utf8',
    })
    if (r.status !== 0) {
      const why = `${r.stderr}${r.stdout}`.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`
      throw new InputError(
        `--against ${commit.slice(0, 12)}: its render of ${env} failed (${why}); compare with another commit`,
      )
    }
    return listTree(out).map((path) => ({ path, contents: readFileSync(join(out, path), 'utf8') }))
  } finally {
    try {
      git(root, 'worktree', 'remove', '--force', tree)
    } catch {
      /* the folder goes below either way */
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
