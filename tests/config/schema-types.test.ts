// scripts/lib/config/schema-types.ts is what the schemas give today: a schema change without `npm run schema-types`
// would leave the compiler checking the Model against old types (tests/config/schema-model.ts).
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { schemaTypes } from '../../scripts/schema-types.ts'

test('the generated schema types are up to date', async () => {
  const expected = await schemaTypes()
  const actual = readFileSync(new URL('../../scripts/lib/config/schema-types.ts', import.meta.url), 'utf8')
  assert.ok(expected.includes('export interface Application') && expected.includes('export interface Environment'))
  assert.ok(actual === expected, 'scripts/lib/config/schema-types.ts is stale: run npm run schema-types')
})

test.run()
