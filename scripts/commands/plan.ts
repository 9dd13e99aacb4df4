// plan ENV: what apply would change (change sets, app revisions, file diffs), as text or as a pull-request comment.
import { resolve } from 'node:path'
import { existsSync, readFileSync } from 'node:fs'
import { writeOutputFile } from '../lib/cli/output-file.ts'
import { parseCommand } from '../lib/cli/args.ts'
import { InputError, UsageError } from '../lib/cli/errors.ts'
import { progress, skipTemplates, wire } from './wiring/aws.ts'
import { buildPlan, type PlanTools } from '../lib/plan/build-plan.ts'
import { COMMENT_LIMIT, formatMarkdown, formatText } from '../lib/plan/format.ts'

export const summary = 'show what apply would change: change sets, app revisions, nginx and appspec diffs'
const usage =
  'plan ENV [--root DIR] [--full] [--format text|markdown] [--out FILE] [--markdown FILE] [--max-bytes N] [--skip-template FILE]... [--commit SHA] [--role-arn ARN] [--tools-commit SHA [--tools-changed FILE]]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      format: { type: 'string' },
      out: { type: 'string' },
      markdown: { type: 'string' },
      'max-bytes': { type: 'string' },
      commit: { type: 'string' },
      'skip-template': { type: 'string', multiple: true },
      'role-arn': { type: 'string' },
      'tools-commit': { type: 'string' },
      'tools-changed': { type: 'string' },
      full: { type: 'boolean' },
    },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}`), 0)
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'markdown')
    throw new UsageError(`--format must be text or markdown\nusage: ${usage}`)
  // GitHub comments stop near 64 KiB, CodeCommit's at 10 240 characters: the build passes its platform's cap.
  const maxBytes = values['max-bytes'] === undefined ? COMMENT_LIMIT : Number(values['max-bytes'])
  if (!Number.isInteger(maxBytes) || maxBytes < 1000)
    throw new UsageError(`--max-bytes must be a whole number, at least 1000\nusage: ${usage}`)
  const tools = readTools(values['tools-commit'] as string | undefined, values['tools-changed'] as string | undefined)
  const { model, svc, rt } = await wire(values, positionals[0]!, 1000)
  const plan = await buildPlan(model, svc, {
    commit: rt.commit,
    root: resolve(values.root ?? '.'),
    full: !!values.full,
    skip: skipTemplates(values['skip-template']),
    log: progress,
  })
  plan.tools = tools
  const text = format === 'markdown' ? formatMarkdown(plan, maxBytes) : formatText(plan)
  // --markdown FILE: the pull-request comment too, from the same change sets (planning twice would create them twice).
  if (typeof values.markdown === 'string')
    writeOutputFile('--markdown', values.markdown, formatMarkdown(plan, maxBytes))
  if (typeof values.out === 'string') writeOutputFile('--out', values.out, text)
  else process.stdout.write(text)
  // Planning never fails the build for a change, only when a stack cannot be planned.
  return plan.stacks.some((s) => s.action === 'error' || s.action === 'blocked') ? 1 : 0
}

// The pull-request build names the commit whose tools ran, and the tool files the pull request changes (one per line).
function readTools(commit: string | undefined, changedFile: string | undefined): PlanTools | undefined {
  if (commit === undefined) {
    if (changedFile !== undefined) throw new UsageError(`--tools-changed needs --tools-commit\nusage: ${usage}`)
    return undefined
  }
  if (!/^[0-9a-f]{7,40}$/.test(commit))
    throw new UsageError(`--tools-commit must be a commit id (7 to 40 hex digits), not "${commit}"\nusage: ${usage}`)
  if (changedFile === undefined) return { commit, changed: [] }
  if (!existsSync(changedFile))
    throw new InputError(`${changedFile}: no such file (--tools-changed lists the changed tool files, one per line)`)
  return {
    commit,
    changed: readFileSync(changedFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  }
}
