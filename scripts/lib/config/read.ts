// Reads environments/*.yaml and apps/*.yaml under a root and loads them (I/O: reads files only).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { InputError } from '../cli/errors.ts'
import { ConfigError } from './problems.ts'
import { loadConfig, type InputFile, type LoadResult } from './load.ts'
import type { Model } from './model.ts'

const YAML = /\.ya?ml$/

function readFolder(root: string, folder: string): InputFile[] {
  const dir = join(root, folder)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => YAML.test(name))
    .sort()
    .map((name) => ({ file: relative(process.cwd(), join(dir, name)) || name, bytes: readFileSync(join(dir, name)) }))
}

/**
 * Every environment and app file under `root`. A root without environment files is refused: a gate that checked
 * nothing (a typo in a pipeline's --root) must not pass.
 */
export function readInputs(root: string) {
  const where = relative(process.cwd(), root) || '.'
  if (!existsSync(root))
    throw new InputError(
      `${where}: no such folder; pass --root the repository's folder (the one with environments/ and apps/)`,
    )
  const envFiles = readFolder(root, 'environments')
  if (!envFiles.length) {
    const why = existsSync(join(root, 'environments'))
      ? 'environments/ holds no .yaml file'
      : 'there is no environments/ folder'
    throw new InputError(
      `${where}: ${why}, so there is nothing to check; pass --root the repository's folder (the one with environments/ and apps/)`,
    )
  }
  return { envFiles, appFiles: readFolder(root, 'apps') }
}

export function environmentNames(root: string): string[] {
  return readInputs(root).envFiles.map((f) => f.file.replace(/^.*\//, '').replace(YAML, ''))
}

export function readConfig(root: string): LoadResult {
  const { envFiles, appFiles } = readInputs(root)
  return loadConfig(envFiles, appFiles)
}

/** The model of one environment, or a ConfigError with every problem found in the configuration. */
export function readModel(root: string, envName: string): Model {
  const { models, problems } = readConfig(root)
  if (problems.length) throw new ConfigError(problems)
  const model = models.find((m) => m.env.name === envName)
  if (!model)
    throw new ConfigError([
      {
        file: join(relative(process.cwd(), root) || '.', 'environments', `${envName}.yaml`),
        line: 1,
        col: 1,
        message: `no environment '${envName}'; known: ${models.map((m) => m.env.name).join(', ')}`,
        rule: 'env-exists',
      },
    ])
  return model
}
