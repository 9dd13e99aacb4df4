// Renders an environment as another commit has it (the branch a pull request targets): that commit, code and YAML,
// in a temporary git worktree, as its own build/ would hold it (I/O: git, a child process, temp files).
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { InputError } from '../cli/errors.ts'
import type { RenderedFile } from '../render/types.ts'
import { $, type ProcessOutput } from '../shell.ts'
import { listTree } from './write-tree.ts'

// zx quotes every argument: a ref or path is never read by a shell.
const git = async (cwd: string, ...args: string[]) => (await $({ cwd, quiet: true })`git ${args}`).stdout.trim()
const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? ''

/** REF, or the current branch's upstream when none is given; a name the user can read back. */
export async function resolveRef(root: string, ref: string | undefined): Promise<{ ref: string; commit: string }> {
  const name = ref ?? '@{upstream}'
  try {
    return {
      ref: ref ?? (await git(root, 'rev-parse', '--abbrev-ref', '@{upstream}')),
      commit: await git(root, 'rev-parse', '--verify', `${name}^{commit}`),
    }
  } catch (e) {
    const why = lastLine((e as ProcessOutput).stderr ?? '')
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
export async function renderAtCommit(root: string, commit: string, env: string): Promise<RenderedFile[]> {
  const dir = mkdtempSync(join(tmpdir(), 'render-against-'))
  const tree = join(dir, 'tree')
  try {
    await git(root, 'worktree', 'add', '--detach', '--quiet', tree, commit)
    if (!existsSync(join(tree, 'environments', `${env}.yaml`))) return []
    if (!existsSync(join(tree, 'node_modules'))) symlinkSync(resolve(root, 'node_modules'), join(tree, 'node_modules'))
    const out = join(dir, 'out')
    const node = process.execPath
    const r = await $({
      cwd: tree,
      quiet: true,
      nothrow: true,
    })`${node} --import tsx scripts/ops.ts render ${env} --out ${out}`
    if (r.exitCode !== 0) {
      const why = lastLine(`${r.stderr}${r.stdout}`) || `exit ${r.exitCode}`
      throw new InputError(
        `--against ${commit.slice(0, 12)}: its render of ${env} failed (${why}); compare with another commit`,
      )
    }
    return listTree(out).map((path) => ({ path, contents: readFileSync(join(out, path), 'utf8') }))
  } finally {
    try {
      await git(root, 'worktree', 'remove', '--force', tree)
    } catch {
      /* the folder goes below either way */
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
