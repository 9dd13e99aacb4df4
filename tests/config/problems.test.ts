// Configuration problems as the user reads them: each at file:line:col, all of them in one error (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError, formatProblem } from '../../scripts/lib/config/problems.ts'

const a = { file: 'environments/staging.yaml', line: 12, col: 5, message: 'port 80 is below 1024', rule: 'ports' }
const b = { file: 'apps/patient-api.yaml', line: 3, col: 1, message: 'unknown key', rule: 'schema' }

test('one line per problem, pinned where a person can open it', () => {
  assert.is(formatProblem(a), 'environments/staging.yaml:12:5: port 80 is below 1024')
  const e = new ConfigError([a, b])
  assert.is(e.message, `${formatProblem(a)}\n${formatProblem(b)}`)
  assert.equal(e.problems, [a, b])
})

test.run()
