// The schemas themselves: they compile in strict mode, describe every property, and hold the strict patterns.
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAjv, SCHEMA_FILES, schemaDir } from '../../scripts/lib/config/schemas.ts'

const schemas = Object.fromEntries(
  SCHEMA_FILES.map((f) => [f, JSON.parse(readFileSync(new URL(f, schemaDir), 'utf8'))]),
)

test('every schema compiles with ajv in strict mode (2020-12)', () => {
  const ajv = createAjv()
  for (const f of SCHEMA_FILES) {
    assert.is(schemas[f].$schema, 'https://json-schema.org/draft/2020-12/schema')
    assert.type(ajv.getSchema(f), 'function')
  }
})

type Found = { where: string; schema: any }
function walk(where: string, schema: any, out: Found[] = []): Found[] {
  if (!schema || typeof schema !== 'object') return out
  out.push({ where, schema })
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === '$defs')
      for (const [name, s] of Object.entries(v as object)) walk(`${where}/${k}/${name}`, s, out)
    else if (['items', 'additionalProperties', 'propertyNames', 'contains', 'not'].includes(k))
      walk(`${where}/${k}`, v, out)
  }
  return out
}
const resolve = (file: string, ref: string) => {
  const [target, pointer] = ref.split('#')
  const doc = schemas[target || file]
  return pointer!
    .split('/')
    .slice(1)
    .reduce((s: any, k) => s?.[k], doc)
}

test('every property has a description (editors show it on hover), directly or through its $ref', () => {
  const missing: string[] = []
  for (const f of SCHEMA_FILES)
    for (const { where, schema } of walk(f, schemas[f]))
      for (const [name, prop] of Object.entries<any>(schema.properties ?? {})) {
        const described = prop.description || (prop.$ref && resolve(f, prop.$ref)?.description)
        if (!described) missing.push(`${where}/properties/${name}`)
      }
  assert.equal(missing, [])
})

test('additionalProperties is false on every object with properties', () => {
  const open: string[] = []
  for (const f of SCHEMA_FILES)
    for (const { where, schema } of walk(f, schemas[f]))
      if (schema.properties && schema.additionalProperties !== false) open.push(where)
  assert.equal(open, [])
})

test('no string that reaches nginx, a shell, a path or CloudFormation may carry an injection character', () => {
  const ajv = createAjv()
  const hostile = [';', '{', '}', '"', "'", '$', '\n', '..', '`', ' ']
  const defs = [
    'name',
    'unixUser',
    'host',
    'pathPrefix',
    'urlPath',
    'relativeFile',
    'nodeArg',
    'version',
    'nginxSize',
    'nginxDuration',
    'memorySize',
    'cidr',
    'bucket',
    'keyPrefix',
    'kmsKey',
    'timezone',
  ]
  const accepted: string[] = []
  for (const def of defs) {
    const validate = ajv.getSchema(`common.schema.json#/$defs/${def}`)!
    const good = (schemas['common.schema.json'].$defs[def].examples ?? [])[0]
    if (good !== undefined) assert.ok(validate(good), `${def} accepts its example ${good}`)
    for (const bad of hostile) {
      const candidates = [
        `${good ?? 'a'}${bad}`,
        `${bad}${good ?? 'a'}`,
        `a${bad}b`,
        bad === '..' ? `${good ?? 'a'}/../x` : `a${bad}`,
      ]
      for (const value of candidates) if (validate(value)) accepted.push(`${def} accepted ${JSON.stringify(value)}`)
    }
  }
  assert.equal(accepted, [])
})

test.run()
