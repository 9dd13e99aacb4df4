// Reads environments/*.yaml and apps/*.yaml under a root and loads them (I/O: reads files only).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ConfigError } from '../cli/errors.ts'
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

export const readInputs = (root: string) => ({ envFiles: readFolder(root, 'environments'), appFiles: readFolder(root, 'apps') })

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
  if (!model) throw new ConfigError([{ file: join(relative(process.cwd(), root) || '.', 'environments', `${envName}.yaml`), line: 1, col: 1, message: `no environment '${envName}'; known: ${models.map((m) => m.env.name).join(', ')}`, rule: 'env-exists' }])
  return model
}
