// The pull-request build's plan, computed by trusted code (what Atlantis calls a server-side workflow): this file and
// the ops tool run from a checkout of the target branch, and read the pull request's tree (PR_DIR) as data only: its
// YAML, templates, hooks and, as bytes for the backup bundle, its code. Nothing of the pull request runs here; its own
// build and tests run in the pull-request tests project, whose role can post nothing.
//
//   tsx scripts/pull-request-plan.ts ENV PR_DIR [--out DIR] [-- PLAN OPTIONS...]
//
// Writes DIR/reports/validate.xml, DIR/ENV/ (the rendered files), DIR/plan/plan.txt and DIR/plan/plan.md (the comment,
// which names the tools' commit and any tool files the pull request changes). DIR defaults to build/ here.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { $, ProcessOutput } from './lib/shell.ts'

/** What changes what the pipeline does, besides content: when a pull request touches these, its plan says so. */
const TOOL_PATHS = [
  'scripts',
  'nginx',
  'schemas',
  'buildspec.yml',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
]

const tools = new URL('..', import.meta.url).pathname
const usage = 'usage: tsx scripts/pull-request-plan.ts ENV PR_DIR [--out DIR] [-- PLAN OPTIONS...]'

async function main(args: string[]): Promise<number> {
  const dashes = args.indexOf('--')
  const [own, planOptions] = dashes < 0 ? [args, []] : [args.slice(0, dashes), args.slice(dashes + 1)]
  const outAt = own.indexOf('--out')
  const out = resolve(outAt < 0 ? join(tools, 'build') : (own.splice(outAt, 2)[1] ?? ''))
  const [env, prDir] = own
  if (own.length !== 2 || !env || !prDir) return fail(usage)
  const pr = resolve(prDir)
  if (!existsSync(join(pr, 'environments')))
    return fail(`${pr}: not a checkout of this repository (no environments/); pass the pull request's source folder`)

  const git = $({ cwd: pr, quiet: true })
  const toolsCommit = (await $({ cwd: tools, quiet: true })`git rev-parse HEAD`).stdout.trim()
  const prCommit = (await git`git rev-parse HEAD`).stdout.trim()
  // Both commits live in the pull request's clone (CodeBuild clones it whole); a missing one is a setup error.
  // Three dots: what the pull request changed since it branched, not what the target branch did meanwhile.
  const changed = (await git`git diff --name-only ${`${toolsCommit}...${prCommit}`} -- ${TOOL_PATHS}`).stdout
    .split('\n')
    .filter(Boolean)
  console.error(
    `pull-request plan: tools ${toolsCommit.slice(0, 12)} (target branch), content ${prCommit.slice(0, 12)} (pull request), ${changed.length} tool file(s) changed by the pull request`,
  )

  mkdirSync(join(out, 'reports'), { recursive: true })
  mkdirSync(join(out, 'plan'), { recursive: true })
  const changedFile = join(out, 'plan', 'tools-changed.txt')
  writeFileSync(changedFile, changed.map((f) => `${f}\n`).join(''))

  const ops = $({ cwd: tools, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NO_COLOR: '1' } })
  await ops`npx tsx scripts/ops.ts validate --root ${pr} --junit ${join(out, 'reports', 'validate.xml')}`
  await ops`npx tsx scripts/ops.ts render ${env} --root ${pr} --out ${join(out, env)}`
  await ops`npx tsx scripts/ops.ts plan ${env} --root ${pr} --tools-commit ${toolsCommit} --tools-changed ${changedFile} --out ${join(out, 'plan', 'plan.txt')} --markdown ${join(out, 'plan', 'plan.md')} --max-bytes 10000 ${planOptions}`
  return 0
}

function fail(message: string): number {
  console.error(message)
  return 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A failed step has already printed its own one-line reason; git's refusal is shown as git said it.
    if (e instanceof ProcessOutput)
      console.error(`pull-request plan: ${e.stderr.trim().split('\n').pop() || `a step exited ${e.exitCode}`}`)
    else console.error(`pull-request plan: ${(e as Error).message}`)
    process.exit(1)
  },
)
