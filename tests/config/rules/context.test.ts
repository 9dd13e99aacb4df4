// Where a rule's problem is pinned: an app setting at the environment's override when it has one, else in the app's
// own file; an environment setting at its value or its key (pure: parses YAML text).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appProblem, envProblem, type DocumentContext } from '../../../scripts/lib/config/rules/context.ts'
import { parseSource, type Source } from '../../../scripts/lib/config/source.ts'

const source = (file: string, text: string): Source => {
  const { source, problems } = parseSource(file, new TextEncoder().encode(text))
  if (!source) throw new Error(JSON.stringify(problems))
  return source
}
const env = source(
  'environments/production.yaml',
  `name: production
apps:
  patient-api:
    version: 1.9.0
    port: 3005
`,
)
const patient = source(
  'apps/patient-api.yaml',
  `name: patient-api
port: 3001
proxyPort: 8081
healthCheck:
  path: /healthz
`,
)
const ctx: DocumentContext = {
  env,
  data: env.doc.toJS() as Record<string, unknown>,
  apps: new Map([['patient-api', patient]]),
  appFiles: new Set(['patient-api']),
}
const at = (p: { file: string; line: number; col: number; message: string; rule: string }) =>
  `${p.file}:${p.line}:${p.col} ${p.rule}: ${p.message}`

test('an app setting the environment overrides is pinned at the override', () => {
  assert.equal(appProblem(ctx, 'patient-api', ['port'], 'port 3005 clashes', 'ports'), {
    file: 'environments/production.yaml',
    line: 5,
    col: 11,
    message: 'port 3005 clashes',
    rule: 'ports',
  })
})

test("an app setting the environment leaves alone is pinned in the app's file, however deep", () => {
  assert.is(
    at(appProblem(ctx, 'patient-api', ['proxyPort'], 'too low', 'ports')),
    'apps/patient-api.yaml:3:12 ports: too low',
  )
  assert.is(
    at(appProblem(ctx, 'patient-api', ['healthCheck', 'path'], 'bad path', 'health')),
    'apps/patient-api.yaml:5:9 health: bad path',
  )
})

test('an app with no file of its own is pinned in the environment, as near the setting as it is written', () => {
  assert.is(
    at(appProblem(ctx, 'doctor-api', ['port'], 'no such app', 'apps-exist')),
    'environments/production.yaml:3:3 apps-exist: no such app',
  )
})

test('an environment setting is pinned at its value, or at its key when asked', () => {
  assert.is(at(envProblem(ctx, ['apps', 'patient-api', 'port'], 'm', 'r')), 'environments/production.yaml:5:11 r: m')
  assert.is(
    at(envProblem(ctx, ['apps', 'patient-api', 'port'], 'm', 'r', 'key')),
    'environments/production.yaml:5:5 r: m',
  )
  assert.is(at(envProblem(ctx, ['name'], 'm', 'r')), 'environments/production.yaml:1:7 r: m')
})

test.run()
