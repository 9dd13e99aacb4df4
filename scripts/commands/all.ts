// `npm start`: validates the configuration and renders every environment, with a short summary.
import { parseCommand } from '../lib/cli/args.ts'
import { ConfigError } from '../lib/cli/errors.ts'
import { readConfig } from '../lib/config/read.ts'

export const summary = 'validate, then render every environment (the main job on the shipped sample)'
const USAGE = 'npm start [-- --root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(USAGE, argv, {}, { min: 0, max: 0 })
  const root = values.root ?? '.'
  const { models, problems } = readConfig(root)
  if (problems.length) throw new ConfigError(problems)
  for (const { env, apps } of models) {
    console.log(`${env.name} (${env.account}/${env.region}, branch ${env.branch}): ${apps.length} apps`)
    for (const app of apps)
      console.log(`  ${app.name.padEnd(14)} ${app.version.padEnd(14)} ${app.instanceGroup.padEnd(9)} :${app.proxyPort} -> 127.0.0.1:${app.port}  ${app.hosts.join(', ')}`)
  }
  return 0
}
