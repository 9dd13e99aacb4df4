// The validate command end to end: exit codes, every problem of a broken folder, json, JUnit, usage errors.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const ops = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args], { encoding: 'utf8' })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const BROKEN = 'tests/fixtures/broken'
const snapshot = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((f) => `${f} ${statSync(join(dir, f)).mtimeMs}`)

test('the sample validates: exit 0', () => {
  const r = ops('validate')
  assert.is(r.code, 0)
  assert.is(r.out, 'valid: 2 environments (production, staging), 5 files\n')
})

test('a folder of broken inputs: every problem at its place, exit 1, nothing written', () => {
  const before = snapshot(BROKEN)
  const r = ops('validate', '--root', BROKEN)
  assert.is(r.code, 1)
  const lines = r.err.trim().split('\n')
  assert.equal(
    lines.slice(0, -2).map((l) => l.replace(/: .*$/, '')),
    [
      `${BROKEN}/apps/admin-portal.yaml:6:1`, // duplicate key
      `${BROKEN}/apps/doctor-api.yaml:20:12`, // health timeout >= interval
      `${BROKEN}/apps/patient-api.yaml:4:1`, // missing port
      `${BROKEN}/apps/patient-api.yaml:11:1`, // unknown key prot
      `${BROKEN}/apps/patient-api.yaml:13:9`, // hostile path
      `${BROKEN}/environments/production.yaml:1:1`, // the whole-environment rules did not run
      `${BROKEN}/environments/production.yaml:10:12`, // shared VPC range, said in both files
      `${BROKEN}/environments/production.yaml:11:12`, // ssh 22
      `${BROKEN}/environments/production.yaml:80:15`, // literal secret
      `${BROKEN}/environments/staging.yaml:10:12`, // shared VPC range
      `${BROKEN}/environments/staging.yaml:53:3`, // no healthy-hosts alarm for doctor-api
      `${BROKEN}/environments/staging.yaml:73:12`, // unknown topic
    ],
  )
  assert.is(lines.at(-1), '12 problems in 5 files; nothing was written.')
  assert.equal(snapshot(BROKEN), before)
})

test('--format json gives machine-readable problems', () => {
  const r = ops('validate', '--root', BROKEN, '--format', 'json')
  assert.is(r.code, 1)
  const report = JSON.parse(r.out)
  assert.is(report.valid, false)
  assert.is(report.problems.length, 12)
  assert.equal(report.problems[3], {
    file: `${BROKEN}/apps/patient-api.yaml`,
    line: 11,
    col: 1,
    rule: 'schema-additionalProperties',
    message: "unknown key 'prot' in the top level; did you mean 'port'?",
  })
})

test('--junit writes a report CodeBuild can show, one case per file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'junit-')), 'validate.xml')
  assert.is(ops('validate', '--root', BROKEN, '--junit', file).code, 1)
  const xml = readFileSync(file, 'utf8')
  assert.match(xml, '<testsuite name="validate" tests="5" failures="5" errors="0" skipped="0">')
  assert.match(xml, `<testcase classname="validate" name="${BROKEN}/apps/patient-api.yaml">`)
  assert.match(xml, 'unknown key &#39;prot&#39; in the top level; did you mean &#39;port&#39;?')
})

test('--env limits the report to one environment (and the apps)', () => {
  const r = ops('validate', '--root', BROKEN, '--env', 'staging', '--format', 'json')
  const files = new Set(JSON.parse(r.out).problems.map((p: { file: string }) => p.file))
  assert.not.ok(files.has(`${BROKEN}/environments/production.yaml`))
  assert.ok(files.has(`${BROKEN}/environments/staging.yaml`))
})

test('usage errors exit 2', () => {
  assert.is(ops('validate', '--format', 'xml').code, 2)
  assert.is(ops('validate', '--bogus').code, 2)
  assert.is(ops('validate', '--env', 'nowhere').code, 2)
  assert.is(ops('no-such-command').code, 2)
})

test('a gate never passes on nothing: no folder, no environments/, no environment file, an unwritable report', () => {
  const empty = mkdtempSync(join(tmpdir(), 'validate-empty-'))
  const hint = "pass --root the repository's folder (the one with environments/ and apps/)"
  const cases: [string[], string][] = [
    [['validate', '--root', 'no-such-dir'], `no-such-dir: no such folder; ${hint}`],
    [['validate', '--root', empty], `: there is no environments/ folder, so there is nothing to check; ${hint}`],
    [['render', 'staging', '--root', 'no-such-dir'], `no-such-dir: no such folder; ${hint}`],
    [['plan', 'staging', '--root', 'no-such-dir'], `no-such-dir: no such folder; ${hint}`],
    [
      ['validate', '--junit', 'no-such-dir/validate.xml'],
      '--junit no-such-dir/validate.xml: cannot write: its folder does not exist; create it first',
    ],
  ]
  for (const [args, message] of cases) {
    const r = ops(...args)
    assert.is(r.code, 1, args.join(' '))
    assert.ok(r.err.trim().endsWith(message) && r.err.trim().split('\n').length === 1, `${args.join(' ')}: ${r.err}`)
    assert.is(r.out, '')
  }
})

test.run()
