// `render ENV [--out DIR] [--check [--against REF]]`: renders every file of an environment into build/ENV, atomically;
// --check compares with build/ENV, or with REF's render (the branch a pull request targets).
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { readModel } from '../lib/config/read.ts'
import { renderAll } from '../lib/render/render-all.ts'
import { loadLayout } from '../lib/render/diagram-layout.ts'
import { diffRenders, diffTree, writeTreeAtomically } from '../lib/output/write-tree.ts'
import { renderAtCommit, resolveRef } from '../lib/output/render-at-ref.ts'
import { UsageError } from '../lib/cli/errors.ts'

export const summary = 'render appspec, nginx, pm2, CloudWatch, systemd and CloudFormation parameter files of ENV'
const USAGE = 'npm run ops -- render ENV [--root DIR] [--out DIR] [--check [--against REF]]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    USAGE,
    argv,
    { out: { type: 'string' }, check: { type: 'boolean' }, against: { type: 'string' } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${USAGE}`), 0)
  const env = positionals[0]!
  const root = values.root ?? '.'
  const out = (values.out as string | undefined) ?? join('build', env)
  const files = renderAll(readModel(root, env), root, await loadLayout())
  if (values.against !== undefined && !values.check) throw new UsageError(`--against needs --check\nusage: ${USAGE}`)
  if (values.check && values.against !== undefined) {
    // An empty --against means the upstream of this branch, as a pull request's target usually is.
    const { ref, commit } = await resolveRef(root, (values.against as string) || undefined)
    const diffs = diffRenders(await renderAtCommit(root, commit, env), files, [ref, 'this change'])
    process.stdout.write(diffs.join(''))
    if (diffs.length) console.error(`${diffs.length} file(s) of ${env} change against ${ref} (${commit.slice(0, 12)})`)
    else console.log(`${env} renders the same as ${ref} (${commit.slice(0, 12)}): ${files.length} files`)
    return diffs.length ? 1 : 0
  }
  if (values.check) {
    const diffs = diffTree(out, files)
    if (diffs.length) {
      process.stdout.write(diffs.join(''))
      console.error(
        `${diffs.length} file(s) in ${out} differ from a fresh render of ${env}; run: npm run ops -- render ${env}`,
      )
      return 1
    }
    console.log(`${out} is up to date (${files.length} files)`)
    return 0
  }
  writeTreeAtomically(out, files)
  console.log(`rendered ${env}: ${files.length} files in ${out}`)
  return 0
}
