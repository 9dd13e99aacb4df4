// `render ENV [--out DIR] [--check]`: renders every file of an environment into build/ENV, atomically.
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { readModel } from '../lib/config/read.ts'
import { renderAll } from '../lib/render/render-all.ts'
import { diffTree, writeTreeAtomically } from '../lib/output/write-tree.ts'

export const summary = 'render appspec, nginx, pm2, CloudWatch, systemd and CloudFormation parameter files of ENV'
const USAGE = 'npm run ops -- render ENV [--root DIR] [--out DIR] [--check]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(USAGE, argv, { out: { type: 'string' }, check: { type: 'boolean' } }, { min: 1, max: 1 })
  if (values.help) return console.log(`usage: ${USAGE}`), 0
  const env = positionals[0]!
  const root = values.root ?? '.'
  const out = (values.out as string | undefined) ?? join('build', env)
  const files = renderAll(readModel(root, env), root)
  if (values.check) {
    const diffs = diffTree(out, files)
    if (diffs.length) {
      process.stdout.write(diffs.join(''))
      console.error(`${diffs.length} file(s) in ${out} differ from a fresh render of ${env}; run: npm run ops -- render ${env}`)
      return 1
    }
    console.log(`${out} is up to date (${files.length} files)`)
    return 0
  }
  writeTreeAtomically(out, files)
  console.log(`rendered ${env}: ${files.length} files in ${out}`)
  return 0
}
