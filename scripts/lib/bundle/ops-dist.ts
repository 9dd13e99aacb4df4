// The ops tool as the database hosts run it: scripts/ops.ts and every module it may load, compiled from TypeScript by
// esbuild into dist/, one chunk per command loaded on demand, the packages left to node_modules (I/O: reads sources).
// Run through tsx, the tool pays for the TypeScript loader on every start: its hooks thread and transforms cost a
// backup or a restore about 20 MB and 0.3 s before any data moves (bench:backup). Compiled once in the pipeline,
// from the tree being applied, the hosts run JavaScript that a reviewer's plan already showed.
import { buildSync, type BuildFailure } from 'esbuild'
import { join, relative } from 'node:path'
import { InputError } from '../cli/errors.ts'
import { OPS_ENTRY } from '../render/backup-paths.ts'
import type { BundleEntry } from './contents.ts'
import { byText } from '../order.ts'

const DIST = OPS_ENTRY.slice(0, OPS_ENTRY.lastIndexOf('/'))

/** A path esbuild reports, relative to the tree: one of its own TypeScript sources. */
const isSource = (file: string) => /^scripts\/.*\.ts$/.test(file) && !file.split('/').includes('..')

/** dist/ of `codeRoot`'s scripts/ops.ts, as bundle entries (nothing is written); the same sources give the same bytes. */
export function buildOpsDist(codeRoot: string): BundleEntry[] {
  try {
    const built = buildSync({
      absWorkingDir: codeRoot,
      entryPoints: ['scripts/ops.ts'],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      // Packages resolve from the host's node_modules (npm ci of the same lock file), as they do under tsx; only
      // this repository's modules are compiled, so the build never reads a package.
      packages: 'external',
      outdir: join(codeRoot, DIST),
      entryNames: '[name]',
      outExtension: { '.js': '.mjs' },
      // A pull request's tree is compiled when its plan is made: its tsconfig.json is not read (it could point
      // anywhere), and only its scripts/**/*.ts may be inputs (checked below).
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
      resolveExtensions: ['.ts'],
      metafile: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
      write: false,
    })
    const stray = Object.keys(built.metafile.inputs).find((f) => !isSource(f))
    if (stray)
      throw new InputError(
        `${codeRoot}: scripts/ops.ts imports ${stray}; the ops tool compiles only scripts/**/*.ts of its own tree`,
      )
    return built.outputFiles
      .map((f) => ({ path: relative(codeRoot, f.path), data: Buffer.from(f.contents), mode: 0o644 }))
      .sort(byText((f) => f.path))
  } catch (e) {
    const first = (e as Partial<BuildFailure>).errors?.[0]
    if (!first) throw e
    const at = first.location
    // What esbuild says about a file outside the tree would quote it: only its path is shown.
    if (at && !isSource(at.file))
      throw new InputError(`${codeRoot}: scripts/ops.ts reaches ${at.file}, outside its own scripts/ folder`)
    const where = at ? `${join(codeRoot, at.file)}:${at.line}:${at.column + 1}` : codeRoot
    throw new InputError(`${where}: ${first.text} (compiling the ops tool for the database hosts)`)
  }
}
