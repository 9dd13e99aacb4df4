// The template reader (short-form tags, anchors, syntax errors) and the intrinsic-function resolver.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseTemplate, TemplateSyntaxError } from '../../scripts/lib/cloudformation/read-template.ts'
import { Resolver } from './resolve.ts'

const wrap = (props: string) => `Resources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n${props}`

test('short-form tags become their long forms', () => {
  const t = parseTemplate(
    wrap(
      [
        '      A: !Ref P',
        '      B: !GetAtt Res.Attr.Deep',
        "      C: !Sub ['${X}-y', { X: !Ref P }]",
        '      D: !Select [1, !Split [",", !ImportValue { "Fn::Sub": "${P}-ids" }]]',
        '      E: !If [Cond, !Base64 "text", !Ref AWS::NoValue]',
        '      F: !Equals [!FindInMap [M, a, b], !Join ["", [!GetAZs "", !Cidr [x, 4, 8]]]]',
        '      G: !And [!Not [!Condition C1], !Or [!Condition C2, !Condition C3]]',
      ].join('\n'),
    ),
  )
  assert.equal(t.Resources.R.Properties, {
    A: { Ref: 'P' },
    B: { 'Fn::GetAtt': ['Res', 'Attr.Deep'] },
    C: { 'Fn::Sub': ['${X}-y', { X: { Ref: 'P' } }] },
    D: { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::ImportValue': { 'Fn::Sub': '${P}-ids' } }] }] },
    E: { 'Fn::If': ['Cond', { 'Fn::Base64': 'text' }, { Ref: 'AWS::NoValue' }] },
    F: {
      'Fn::Equals': [
        { 'Fn::FindInMap': ['M', 'a', 'b'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAZs': '' }, { 'Fn::Cidr': ['x', 4, 8] }]] },
      ],
    },
    G: { 'Fn::And': [{ 'Fn::Not': [{ Condition: 'C1' }] }, { 'Fn::Or': [{ Condition: 'C2' }, { Condition: 'C3' }] }] },
  })
  assert.equal(t.Parameters, {})
})

test('anchors and aliases are expanded', () => {
  const t = parseTemplate(wrap('      A: &x [a, b]\n      B: *x'))
  assert.equal(t.Resources.R.Properties, { A: ['a', 'b'], B: ['a', 'b'] })
})

test('bad YAML and missing Resources are refused with a position', () => {
  assert.throws(
    () => parseTemplate('Resources:\n  R: [\n'),
    (e: Error) => e instanceof TemplateSyntaxError && /^\d+:\d+: /.test(e.message),
  )
  assert.throws(
    () => parseTemplate('Resources:\n  A: 1\n  A: 2\n'),
    (e: Error) => e instanceof TemplateSyntaxError,
  )
  assert.throws(() => parseTemplate('Parameters: {}\n'), /no Resources/)
})

test('the resolver evaluates conditions, Sub, imports and drops NoValue', () => {
  const t = parseTemplate(
    [
      'Parameters:',
      '  Env: { Type: String }',
      '  Names: { Type: CommaDelimitedList, Default: "a,b" }',
      'Conditions:',
      '  IsProd: !Equals [!Ref Env, production]',
      'Resources:',
      '  R:',
      '    Type: AWS::X::Y',
      '    Properties:',
      '      A: !Sub "arn:${AWS::Partition}:s3:::${Env}-${AWS::AccountId}/*"',
      '      B: [!If [IsProd, one, !Ref AWS::NoValue], !Select [1, !Ref Names]]',
      '      C: !ImportValue { "Fn::Sub": "${Env}-key" }',
      '  Skipped:',
      '    Type: AWS::X::Y',
      '    Condition: IsProd',
      '    Properties: {}',
    ].join('\n'),
  )
  const resolve = (env: string) =>
    new Resolver({
      template: t,
      parameters: { Env: env },
      accountId: '111122223333',
      region: 'ap-south-1',
      stackName: 's',
      importValue: (name) => `imported:${name}`,
    }).resources()
  assert.equal(resolve('production').R.Properties, {
    A: 'arn:aws:s3:::production-111122223333/*',
    B: ['one', 'b'],
    C: 'imported:production-key',
  })
  assert.equal(Object.keys(resolve('staging')), ['R'])
  assert.equal(resolve('staging').R.Properties.B, ['b'])
})

test.run()
