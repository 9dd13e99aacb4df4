// A stack skips its change set only when its fingerprint proves nothing changed: every kind of change is still seen (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  FINGERPRINT_TAG,
  needsChangeSet,
  ssmInputs,
  stackFingerprint,
  type DeployedStack,
  type StackRecord,
} from '../../scripts/lib/apply/fingerprint.ts'
import { triageStacks, type PlannedStack } from '../../scripts/lib/apply/stacks.ts'
import type { StackUpdater } from '../../scripts/lib/aws/stack-updater.ts'

const AMI = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'
const template = {
  Parameters: { ImageId: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' }, Size: { Type: 'Number' } },
  Resources: { Q: { Type: 'AWS::SQS::Queue' } },
}
const spec: PlannedStack = {
  stack: 'drsignet-staging-group-api',
  template: 'instance-group.yaml',
  templateBody: JSON.stringify(template),
  parameters: { ImageId: AMI, Size: '2' },
  tags: { Project: 'drsignet', Environment: 'staging' },
}
const resolved = { [AMI]: 'ami-0aaa' }
const AT = '2026-11-30T10:00:00.000Z'
const deployedAs = (
  s: PlannedStack,
  r: Record<string, string>,
  status = 'UPDATE_COMPLETE',
  updatedAt = AT,
): DeployedStack => ({
  status,
  tags: { ...s.tags, [FINGERPRINT_TAG]: stackFingerprint(s, r) },
  updatedAt,
  parameters: s.parameters,
})
/** What apply recorded after it last deployed `s` with SSM values `r`. */
const recordOf = (s: PlannedStack, r: Record<string, string>): StackRecord => ({
  fingerprint: stackFingerprint(s, r),
  updatedAt: AT,
})

test('the same stack, parameters, tags and SSM values: proven unchanged, whatever the order of keys', () => {
  const reordered = {
    ...spec,
    parameters: { Size: '2', ImageId: AMI },
    tags: { Environment: 'staging', Project: 'drsignet' },
  }
  assert.is(needsChangeSet(reordered, deployedAs(spec, resolved), recordOf(spec, resolved), resolved, false), undefined)
  assert.equal(ssmInputs(spec), [AMI])
})

test('every kind of change needs a change set: template, parameter, tag, a new image behind the same SSM name', () => {
  const deployed = deployedAs(spec, resolved)
  const changes: [string, PlannedStack, Record<string, string>][] = [
    [
      'template',
      {
        ...spec,
        templateBody: JSON.stringify({
          ...template,
          Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: 5 } } },
        }),
      },
      resolved,
    ],
    ['parameter', { ...spec, parameters: { ...spec.parameters, Size: '3' } }, resolved],
    ['new parameter', { ...spec, parameters: { ...spec.parameters, Extra: '' } }, resolved],
    ['tag', { ...spec, tags: { ...spec.tags, Owner: 'ops' } }, resolved],
    ['tag value', { ...spec, tags: { ...spec.tags, Environment: 'production' } }, resolved],
    ['SSM value (a new AMI)', spec, { [AMI]: 'ami-0bbb' }],
  ]
  for (const [what, s, r] of changes)
    assert.is(needsChangeSet(s, deployed, recordOf(spec, resolved), r, false), 'changed', what)
})

test('anything not known to match takes the change set: new, untagged, not a completed deploy, unreadable SSM, --full', () => {
  const rec = recordOf(spec, resolved)
  assert.is(needsChangeSet(spec, undefined, rec, resolved, false), 'new stack')
  assert.is(
    needsChangeSet(
      spec,
      { status: 'UPDATE_COMPLETE', tags: spec.tags, updatedAt: AT, parameters: {} },
      rec,
      resolved,
      false,
    ),
    'no fingerprint from an earlier apply',
  )
  for (const status of ['UPDATE_ROLLBACK_COMPLETE', 'UPDATE_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'])
    assert.is(needsChangeSet(spec, deployedAs(spec, resolved, status), rec, resolved, false), `status ${status}`)
  assert.is(needsChangeSet(spec, deployedAs(spec, resolved), rec, {}, false), `SSM parameter ${AMI} could not be read`)
  assert.is(needsChangeSet(spec, deployedAs(spec, resolved), rec, resolved, true), '--full')
  assert.is(needsChangeSet(spec, deployedAs(spec, resolved), undefined, resolved, false), 'no record of its last apply')
})

test('a tag apply did not write, or an update made outside apply, is not trusted', () => {
  // An update from the console keeps the tags but moves LastUpdatedTime.
  assert.is(
    needsChangeSet(
      spec,
      deployedAs(spec, resolved, 'UPDATE_COMPLETE', '2026-12-01T08:00:00.000Z'),
      recordOf(spec, resolved),
      resolved,
      false,
    ),
    'updated outside apply (at 2026-12-01T08:00:00.000Z, apply recorded 2026-11-30T10:00:00.000Z)',
  )
  // A parameter changed by hand (the tags kept); a NoEcho one reads as **** and cannot be compared.
  assert.is(
    needsChangeSet(
      spec,
      { ...deployedAs(spec, resolved), parameters: { ...spec.parameters, Size: '5' } },
      recordOf(spec, resolved),
      resolved,
      false,
    ),
    "parameter Size differs from the deployed stack's",
  )
  assert.is(
    needsChangeSet(
      spec,
      { ...deployedAs(spec, resolved), parameters: { ...spec.parameters, Size: '****' } },
      recordOf(spec, resolved),
      resolved,
      false,
    ),
    undefined,
  )
  // An emulator that keeps the creation tag through a change set: the tag says A, apply last sent B, the stack holds B.
  const b = { ...spec, parameters: { ...spec.parameters, Size: '3' } }
  assert.is(
    needsChangeSet(spec, deployedAs(spec, resolved), recordOf(b, resolved), resolved, false),
    'changed since its last apply',
  )
})

test('the fingerprint tag itself is not part of the fingerprint', () => {
  const tagged = { ...spec, tags: { ...spec.tags, [FINGERPRINT_TAG]: 'anything' } }
  assert.is(stackFingerprint(tagged, resolved), stackFingerprint(spec, resolved))
})

test('triage: one read of the deployed stacks and one of the SSM values for the whole environment', async () => {
  const calls: string[] = []
  const other: PlannedStack = {
    stack: 'drsignet-staging-data',
    template: 'data.yaml',
    templateBody: '{"Resources":{}}',
    parameters: { A: '1' },
    tags: {},
  }
  const deployed = new Map<string, DeployedStack>([
    [spec.stack, deployedAs(spec, resolved)],
    [other.stack, { status: 'UPDATE_COMPLETE', tags: {}, updatedAt: AT, parameters: {} }],
  ])
  const updater = {
    deployedStacks: async () => (calls.push('DescribeStacks'), deployed),
    resolveSsm: async (names: string[]) => (calls.push(`GetParameters ${names.join(',')}`), resolved),
  } as unknown as StackUpdater
  const triaged = await triageStacks([spec, other], updater, false, { [spec.stack]: recordOf(spec, resolved) })
  assert.equal(calls, ['DescribeStacks', `GetParameters ${AMI}`])
  assert.equal(
    triaged.map((s) => [s.stack, s.unchanged ?? false, s.why]),
    [
      [spec.stack, true, undefined],
      [other.stack, false, 'no fingerprint from an earlier apply'],
    ],
  )
  // Every stack is tagged with its fingerprint, so the apply that runs its change set records it.
  assert.is(triaged[1]!.tags[FINGERPRINT_TAG], stackFingerprint(other, resolved))
  calls.length = 0
  assert.ok((await triageStacks([spec, other], updater, true)).every((s) => s.why === '--full'))
  assert.equal(calls, [`GetParameters ${AMI}`], '--full reads no deployed stack')
})

test.run()
