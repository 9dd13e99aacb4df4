// Writes a rendered tree through a temporary folder swapped in with two renames (never half-written), and compares one
// with what is on disk (I/O: file system only).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import type { RenderedFile } from '../render/types.ts'

/**
 * Everything is written to a sibling temp folder first and swapped in with renames, so a failure
 * at any point leaves the previous tree exactly as it was.
 */
export function writeTreeAtomically(outDir: string, files: RenderedFile[]): void {
  const tmp = `${outDir}.tmp-${process.pid}`
  const old = `${outDir}.old-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  try {
    for (const f of files) {
      const path = join(tmp, f.path)
      if (relative(tmp, path).startsWith('..')) throw new Error(`refusing to write outside ${outDir}: ${f.path}`)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, f.contents)
    }
    mkdirSync(dirname(outDir), { recursive: true })
    if (existsSync(outDir)) renameSync(outDir, old)
    renameSync(tmp, outDir)
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    if (existsSync(old) && !existsSync(outDir)) renameSync(old, outDir)
    throw e
  }
  rmSync(old, { recursive: true, force: true })
}

/** Every file under `dir`, as paths relative to it, sorted; none when it does not exist. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort()
}

/** Unified diffs of every file that differs between `files` and the tree on disk; empty when equal. */
export function diffTree(outDir: string, files: RenderedFile[]): string[] {
  const onDisk = listTree(outDir).map((path) => ({ path, contents: readFileSync(join(outDir, path), 'utf8') }))
  return diffRenders(onDisk, files, ['on disk', 'rendered'])
}

/** Unified diffs, file by file, from `before` to `after` (pure); empty when both hold the same files. */
export function diffRenders(before: RenderedFile[], after: RenderedFile[], labels: [string, string]): string[] {
  const had = new Map(before.map((f) => [f.path, f.contents]))
  const wanted = new Map(after.map((f) => [f.path, f.contents]))
  const paths = [...new Set([...wanted.keys(), ...had.keys()])].sort()
  return paths.flatMap((path) => {
    const want = wanted.get(path)
    const have = had.get(path)
    if (want === have) return []
    return [
      createTwoFilesPatch(
        have === undefined ? '/dev/null' : `a/${path}`,
        want === undefined ? '/dev/null' : `b/${path}`,
        have ?? '',
        want ?? '',
        labels[0],
        labels[1],
      ),
    ]
  })
}
