// `npm start`: validates the configuration and renders every environment into build/, with a short summary.
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { ConfigError } from '../lib/config/problems.ts'
import { readConfig } from '../lib/config/read.ts'
import { writeTreeAtomically } from '../lib/output/write-tree.ts'
import { renderAll } from '../lib/render/render-all.ts'
import { loadLayout } from '../lib/render/diagram-layout.ts'

export const summary = 'validate, then render every environment (the main job on the shipped sample)'
const USAGE = 'npm start [-- --root DIR] [--out DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(USAGE, argv, { out: { type: 'string' } }, { min: 0, max: 0 })
  if (values.help) return (console.log(`usage: ${USAGE}`), 0)
  const root = values.root ?? '.'
  const out = (values.out as string | undefined) ?? 'build'
  const { models, problems } = readConfig(root)
  if (problems.length) throw new ConfigError(problems)
  // Render everything before writing anything: one bad environment leaves build/ untouched.
  const layout = await loadLayout()
  const rendered = models.map((model) => ({ model, files: renderAll(model, root, layout) }))
  console.log(`valid: ${models.length} environments`)
  for (const {
    model: { env, apps },
    files,
  } of rendered) {
    writeTreeAtomically(join(out, env.name), files)
    console.log(
      `\n${env.name} (${env.account}/${env.region}, branch ${env.branch}): ${apps.length} apps, ${files.length} files in ${join(out, env.name)}`,
    )
    for (const app of apps)
      console.log(
        `  ${app.name.padEnd(14)} ${app.version.padEnd(13)} ${app.instanceGroup.padEnd(7)} :${app.proxyPort} -> 127.0.0.1:${app.port}  ${app.hosts.join(', ') || '(any host)'} ${app.paths.join(' ')}`,
      )
  }
  return 0
}
