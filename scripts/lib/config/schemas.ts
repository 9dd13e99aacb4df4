// Compiles the JSON Schemas in schemas/ once with ajv (2020-12, strict, all errors, formats); reads them at load.
import { readFileSync } from 'node:fs'
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { AppSchema, EnvironmentSchema } from './schema-types.ts'
import { checkoutUrl } from '../checkout.ts'

export const schemaDir = new URL('schemas/', checkoutUrl)
export const SCHEMA_FILES = ['common.schema.json', 'app.schema.json', 'environment.schema.json'] as const

const readSchema = (name: string) => JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8'))

export function createAjv(extra: string[] = []) {
  // strictRequired is off only because sections are required in full in apps/*.yaml but partially
  // overridable in environments/*.yaml: `required` sits beside the shared section's $ref.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false, verbose: true })
  addFormats.default(ajv)
  for (const name of [...SCHEMA_FILES, ...extra]) ajv.addSchema(readSchema(name), name)
  return ajv
}

type Validators = {
  app: ValidateFunction<AppSchema.Application>
  environment: ValidateFunction<EnvironmentSchema.Environment>
}
let compiled: Validators | undefined

/** The two document validators, compiled on first use and kept. */
export function validators(): Validators {
  if (!compiled) {
    const ajv = createAjv()
    compiled = {
      app: ajv.getSchema<AppSchema.Application>('app.schema.json')!,
      environment: ajv.getSchema<EnvironmentSchema.Environment>('environment.schema.json')!,
    }
  }
  return compiled
}

export type SchemaError = ErrorObject

/** The schema's own rule for an app version, for commands that take one on the command line. */
export const versionPattern = (): RegExp =>
  new RegExp((readSchema('common.schema.json') as { $defs: { version: { pattern: string } } }).$defs.version.pattern)
