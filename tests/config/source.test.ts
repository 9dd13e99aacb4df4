// parseSource: YAML hazards are errors with positions: duplicates, alias bombs, merges, tabs, size, shape, encoding.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatProblem } from '../../scripts/lib/config/problems.ts'
import { parseSource } from '../../scripts/lib/config/source.ts'
import { P, problemsWith } from './variant.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const parse = (text: string | Uint8Array) =>
  parseSource('x.yaml', typeof text === 'string' ? enc(text) : text).problems.map(formatProblem)

test('duplicate keys', () => {
  assert.equal(parse('a: 1\nb: 2\na: 3\n'), ["x.yaml:3:1: duplicate key 'a'; each key may appear once in a mapping"])
  assert.equal(problemsWith({ file: P, from: 'region: ap-south-1\n', to: 'region: ap-south-1\nregion: us-east-1\n' }), [
    "environments/production.yaml:6:1: duplicate key 'region'; each key may appear once in a mapping",
  ])
})

test('alias bombs are capped before expansion', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 60; i++)
    lines.push(`k${i}: &k${i} [*${i === 1 ? 'a' : `k${i - 1}`}, *${i === 1 ? 'a' : `k${i - 1}`}]`)
  const started = Date.now()
  const found = parse(lines.join('\n') + '\n')
  assert.ok(Date.now() - started < 1000, 'refused quickly')
  assert.equal(found, ['x.yaml:27:12: more than 50 aliases; expanding them could exhaust memory (alias bomb)'])
})

test('a merge key that brings in an unknown key is reported at the merge', () => {
  assert.equal(
    problemsWith({
      file: P,
      from: 'audit:\n  cloudTrail: true',
      to: 'x-defaults: &d\n  bogus: 1\naudit:\n  <<: *d\n  cloudTrail: true',
    }),
    [
      "environments/production.yaml:240:1: unknown key 'x-defaults' in the top level; allowed keys: name, account, region, branch, repository, network, loadBalancer, kms, buckets, instanceGroups, apps, secrets, deployment, notifications, backup, database, alarms, patching, audit",
      "environments/production.yaml:243:3: unknown key 'bogus' in /audit; allowed keys: cloudTrail, config, logRetentionDays",
    ],
  )
})

test('tabs in indentation are reported alone, not as a cascade of parser errors', () => {
  assert.equal(parse('a:\n  b: 1\n\tc: 2\n'), ['x.yaml:3:1: tab character in indentation; indent with spaces'])
})

test('files over 1 MiB are refused before parsing', () => {
  assert.equal(parse('a: ' + 'x'.repeat(1024 * 1024) + '\n'), [
    'x.yaml:1:1: file is 1048580 bytes, over the 1 MiB limit; split it or remove what is not configuration',
  ])
})

test('the document must be a mapping, and not empty', () => {
  assert.equal(parse('- a\n- b\n'), ['x.yaml:1:1: the document must be a mapping of keys to values'])
  assert.equal(parse('# only a comment\n\n'), ['x.yaml:1:1: file is empty; it must hold a mapping'])
  assert.equal(parse(''), ['x.yaml:1:1: file is empty; it must hold a mapping'])
  assert.equal(parse('just text\n'), ['x.yaml:1:1: the document must be a mapping of keys to values'])
})

test('invalid UTF-8 is located', () => {
  const bytes = new Uint8Array([...enc('a: 1\nb: caf'), 0xc3, 0x28, ...enc('\n')])
  assert.equal(parse(bytes), ['x.yaml:2:7: invalid UTF-8 at byte 11; save the file as UTF-8'])
})

test('syntax errors carry their position', () => {
  assert.equal(parse('a: [1, 2\nb: 3\n').length > 0, true)
  assert.match(parse('a: [1, 2\nb: 3\n')[0]!, /^x\.yaml:\d+:\d+: /)
})

test('an over-indented key is reported on its own line, with how to fix it', () => {
  assert.equal(parse('backup:\n  timezone: Asia/Kolkata\n    retentionDays: 7\n'), [
    "x.yaml:3:5: 'retentionDays' is indented 4 spaces, deeper than 'timezone' above it (2); keys of one mapping line up, so indent it 2 spaces (or end 'timezone' with ':' and nothing after it, to nest it there)",
  ])
  assert.equal(
    problemsWith({ file: P, from: '  retentionDays: 15\n', to: '    retentionDays: 15\n' }).map((p) =>
      p.replace(/: '.*/, ''),
    ),
    ['environments/production.yaml:95:5'],
  )
})

test.run()
