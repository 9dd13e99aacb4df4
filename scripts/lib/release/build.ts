// `release --build`: the app repository's own install, tests, build and prune, as its CI runs them (I/O: runs npm).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { $ } from '../shell.ts'
import type { AppKind } from '../config/model.ts'

export type BuildStep = { what: string; args: string[] }

/**
 * The steps for one app (pure): a clean install from the lockfile, its tests when it has any, the portal's static
 * build, then only production dependencies, so the release carries what runs and nothing that only built it.
 */
export function buildSteps(kind: AppKind, scripts: Record<string, string>): BuildStep[] {
  const steps: BuildStep[] = [{ what: 'install', args: ['ci', '--no-audit', '--no-fund'] }]
  if (scripts.test) steps.push({ what: 'test', args: ['test'] })
  if (scripts.build) steps.push({ what: 'build', args: ['run', 'build'] })
  else if (kind === 'spa')
    throw new Error('package.json has no "build" script: the portal\'s release is its static build')
  steps.push({ what: 'prune', args: ['prune', '--omit=dev', '--no-audit', '--no-fund'] })
  return steps
}

export async function buildApp(dir: string, kind: AppKind, log: (line: string) => void): Promise<void> {
  const pkg = join(dir, 'package.json')
  if (!existsSync(pkg)) throw new Error(`${dir} has no package.json: --build runs the app's npm scripts`)
  if (!existsSync(join(dir, 'package-lock.json')))
    throw new Error(`${dir} has no package-lock.json: a release installs exactly what the lockfile says (npm ci)`)
  const scripts = (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
  // npm's output goes to stderr: stdout is the command's result.
  const npm = $({
    cwd: dir,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, CI: 'true', NO_UPDATE_NOTIFIER: '1' },
    verbose: false,
    nothrow: true,
  })
  for (const step of buildSteps(kind, scripts)) {
    const started = Date.now()
    log(`release: ${step.what}: npm ${step.args.join(' ')}`)
    const r = await npm`npm ${step.args}`
    if (r.exitCode !== 0)
      throw new Error(`npm ${step.args.join(' ')} failed with exit ${r.exitCode} in ${dir}: nothing was published`)
    log(`release: ${step.what} done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
}
