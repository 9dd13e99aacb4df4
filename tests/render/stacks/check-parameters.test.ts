// A stack's rendered parameters against its template's declarations, as CloudFormation would check them (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkParameters, type TemplateParameter } from '../../../scripts/lib/render/stacks/check-parameters.ts'

const stack = (parameters: Record<string, string>) => ({
  stack: 'drsignet-staging-data',
  template: 'data.yaml',
  tags: {},
  parameters,
})
const declared: Record<string, TemplateParameter> = {
  EnvName: { Type: 'String', AllowedPattern: '[a-z]+' },
  Retention: { Type: 'Number', MinValue: 1, MaxValue: 35 },
  Zones: { Type: 'CommaDelimitedList', AllowedValues: ['a', 'b'] },
  Note: { Type: 'String', Default: '', MaxLength: 5 },
}
const at = 'drsignet-staging-data (data.yaml): '

test('what the template declares, within its bounds: no problem; a parameter with a default may be left out', () => {
  assert.equal(checkParameters(stack({ EnvName: 'staging', Retention: '15', Zones: 'a,b' }), declared), [])
})

test('missing, undeclared, out of bounds, not matching: each said, named by stack and template', () => {
  assert.equal(checkParameters(stack({ EnvName: 'Staging-1', Zones: 'a,c', Extra: 'x', Note: 'too long' }), declared), [
    `${at}parameter Retention is required`,
    `${at}EnvName "Staging-1" does not match [a-z]+`,
    `${at}Zones "c" is not one of a, b`,
    `${at}parameter Extra is not declared by the template`,
    `${at}Note is longer than MaxLength 5`,
  ])
})

test('numbers: not a number, below MinValue, above MaxValue; the pattern matches the whole value', () => {
  const problems = (Retention: string, EnvName = 'ok') =>
    checkParameters(stack({ EnvName, Retention, Zones: 'a' }), declared)
  assert.equal(problems(''), [`${at}Retention "" is not a number`])
  assert.equal(problems('0'), [`${at}Retention 0 is below MinValue 1`])
  assert.equal(problems('36'), [`${at}Retention 36 is above MaxValue 35`])
  assert.equal(problems('7', 'ok1'), [`${at}EnvName "ok1" does not match [a-z]+`])
})

test.run()
