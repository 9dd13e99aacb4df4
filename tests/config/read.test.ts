// Reading a root's environments/ and apps/: which files, the refusals of a root with nothing to check, and one
// environment's Model or every problem (reads the sample; temp folders).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { ConfigError, formatProblem } from '../../scripts/lib/config/problems.ts'
import { environmentNames, readConfig, readInputs, readModel } from '../../scripts/lib/config/read.ts'

const dirs: string[] = []
const tempRoot = (files: Record<string, string> = {}) => {
  const root = mkdtempSync(join(tmpdir(), 'config-read-'))
  dirs.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const shown = (path: string) => relative(process.cwd(), path)
const hint = "pass --root the repository's folder (the one with environments/ and apps/)"
const refusal = (run: () => unknown) => {
  try {
    run()
    return 'accepted'
  } catch (e) {
    return `${e instanceof InputError ? '' : 'NOT AN InputError: '}${(e as Error).message}`
  }
}

test('a root with nothing to check is refused: no folder, no environments/, no .yaml in it', () => {
  const missing = join(tempRoot(), 'nope')
  const bare = tempRoot()
  const noYaml = tempRoot({ 'environments/README.md': '# not an environment\n', 'apps/a.yaml': 'name: a\n' })
  assert.equal(
    [missing, bare, noYaml].map((root) => refusal(() => readInputs(root))),
    [
      `${shown(missing)}: no such folder; ${hint}`,
      `${shown(bare)}: there is no environments/ folder, so there is nothing to check; ${hint}`,
      `${shown(noYaml)}: environments/ holds no .yaml file, so there is nothing to check; ${hint}`,
    ],
  )
  assert.is(
    refusal(() => environmentNames(bare)),
    refusal(() => readInputs(bare)),
  )
})

test('the .yaml and .yml files of environments/ and apps/, sorted, with their bytes; other files and no apps/ are fine', () => {
  const root = tempRoot({
    'environments/staging.yml': 'name: staging\n',
    'environments/production.yaml': 'name: production\n',
    'environments/notes.txt': 'ignored\n',
  })
  const read = (inputs: ReturnType<typeof readInputs>) => ({
    envFiles: inputs.envFiles.map((f) => [f.file, Buffer.from(f.bytes).toString()]),
    appFiles: inputs.appFiles.map((f) => [f.file, Buffer.from(f.bytes).toString()]),
  })
  assert.equal(read(readInputs(root)), {
    envFiles: [
      [shown(join(root, 'environments/production.yaml')), 'name: production\n'],
      [shown(join(root, 'environments/staging.yml')), 'name: staging\n'],
    ],
    appFiles: [],
  })
  assert.equal(environmentNames(root), ['production', 'staging'])
})

test("the sample's files are named relative to the working folder, as problems show them", () => {
  const { envFiles, appFiles } = readInputs('.')
  assert.equal(
    [...envFiles, ...appFiles].map((f) => f.file),
    [
      'environments/production.yaml',
      'environments/staging.yaml',
      'apps/admin-portal.yaml',
      'apps/doctor-api.yaml',
      'apps/patient-api.yaml',
    ],
  )
  assert.ok(Buffer.from(envFiles[0]!.bytes).equals(readFileSync('environments/production.yaml')))
  assert.equal(environmentNames('.'), ['production', 'staging'])
})

test('readModel: the named environment of a clean configuration, with its apps', () => {
  const model = readModel('.', 'staging')
  assert.is(model.env.name, 'staging')
  assert.equal(
    model.apps.map((a) => a.name),
    ['admin-portal', 'doctor-api', 'patient-api'],
  )
  assert.equal(readConfig('.').problems, [])
})

test('an environment that does not exist is a problem pinned to the file it would have, naming those that do', () => {
  const error = (() => {
    try {
      readModel('.', 'qa')
    } catch (e) {
      return e
    }
  })()
  assert.ok(error instanceof ConfigError)
  assert.equal((error as ConfigError).problems, [
    {
      file: 'environments/qa.yaml',
      line: 1,
      col: 1,
      message: "no environment 'qa'; known: production, staging",
      rule: 'env-exists',
    },
  ])
  assert.is((error as ConfigError).message, "environments/qa.yaml:1:1: no environment 'qa'; known: production, staging")
})

test('a problem anywhere in the configuration stops readModel, with every problem, though that environment loaded', () => {
  const root = tempRoot()
  for (const dir of ['environments', 'apps']) cpSync(dir, join(root, dir), { recursive: true })
  appendFileSync(join(root, 'environments/staging.yaml'), 'bogus: 1\n')
  const { models, problems } = readConfig(root)
  assert.equal(
    models.map((m) => m.env.name),
    ['production'],
  )
  const staging = shown(join(root, 'environments/staging.yaml'))
  assert.equal(
    problems.map((p) => [p.file, p.rule]),
    [
      [staging, 'rules-skipped'],
      [staging, 'schema-additionalProperties'],
    ],
  )
  assert.match(problems[1].message, /^unknown key 'bogus' in the top level; /)
  const error = (() => {
    try {
      readModel(root, 'production')
    } catch (e) {
      return e as ConfigError
    }
  })()
  assert.ok(error instanceof ConfigError)
  assert.equal(error.problems, problems)
  assert.is(error.message, problems.map(formatProblem).join('\n'))
})

test.run()
