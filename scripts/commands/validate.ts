// `validate [--env NAME] [--format text|json] [--junit FILE]`: checks the configuration and reports every problem.
import { writeOutputFile } from '../lib/cli/output-file.ts'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { formatProblem } from '../lib/config/problems.ts'
import { readInputs } from '../lib/config/read.ts'
import { loadConfig } from '../lib/config/load.ts'
import { junitReport } from '../lib/report/junit.ts'

export const summary = 'check environments/ and apps/ against the schemas and the semantic rules'
const USAGE = 'npm run ops -- validate [--root DIR] [--env NAME] [--format text|json] [--junit FILE]'

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    USAGE,
    argv,
    { env: { type: 'string' }, format: { type: 'string', default: 'text' }, junit: { type: 'string' } },
    { min: 0, max: 0 },
  )
  if (values.help) return (console.log(`usage: ${USAGE}`), 0)
  const format = values.format as string
  if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json\nusage: ${USAGE}`)
  const root = values.root ?? '.'
  let { envFiles, appFiles } = readInputs(root)
  if (values.env) {
    const only = envFiles.filter((f) => f.file.replace(/^.*\//, '').replace(/\.ya?ml$/, '') === values.env)
    if (!only.length) throw new UsageError(`no environment '${values.env}' in ${root}/environments`)
    // Isolation rules compare environments, so all are loaded; only the chosen one is reported.
    const result = loadConfig(envFiles, appFiles)
    const others = new Set(envFiles.filter((f) => !only.includes(f)).map((f) => f.file))
    return report(
      { ...result, problems: result.problems.filter((p) => !others.has(p.file)) },
      [...only, ...appFiles].map((f) => f.file),
      format,
      values.junit as string | undefined,
    )
  }
  return report(
    loadConfig(envFiles, appFiles),
    [...envFiles, ...appFiles].map((f) => f.file),
    format,
    values.junit as string | undefined,
  )
}

function report(result: ReturnType<typeof loadConfig>, files: string[], format: string, junit?: string): number {
  const { problems, models } = result
  if (junit) writeOutputFile('--junit', junit, junitReport('validate', files, problems))
  if (format === 'json') {
    console.log(JSON.stringify({ valid: problems.length === 0, files, problems }, null, 2))
  } else if (problems.length) {
    for (const p of problems) console.error(formatProblem(p))
    const broken = new Set(problems.map((p) => p.file)).size
    console.error(
      `\n${problems.length} problem${problems.length === 1 ? '' : 's'} in ${broken} file${broken === 1 ? '' : 's'}; nothing was written.`,
    )
  } else {
    console.log(
      `valid: ${models.length} environment${models.length === 1 ? '' : 's'} (${models.map((m) => m.env.name).join(', ')}), ${files.length} files`,
    )
  }
  return problems.length ? 1 : 0
}
