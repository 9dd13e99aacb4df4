// What every stack shares: log retention CloudWatch accepts, topic ARNs per partition, numbered slots (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { logRetention, slots, topicArn } from '../../../scripts/lib/render/stacks/common.ts'
import { fixtureModel } from '../../fixtures/model.ts'

test('log retention: the shortest period CloudWatch accepts that keeps logs at least as long as asked', () => {
  assert.equal([1, 2, 14, 15, 365, 366, 3653, 5000].map(logRetention), [
    '1',
    '3',
    '14',
    '30',
    '365',
    '400',
    '3653',
    '3653',
  ])
})

test('topic ARNs carry the partition of the region', () => {
  const { env } = fixtureModel()
  assert.is(topicArn(env, 'deployments'), 'arn:aws:sns:ap-south-1:111122223333:drsignet-production-deployments')
  assert.is(
    topicArn({ ...env, region: 'cn-north-1' }, 'deployments'),
    'arn:aws-cn:sns:cn-north-1:111122223333:drsignet-production-deployments',
  )
  assert.match(topicArn({ ...env, region: 'us-gov-west-1' }, 'x'), /^arn:aws-us-gov:sns:us-gov-west-1:/)
})

test('slots are numbered from 1; overflow is kept, for the parameter check to report', () => {
  assert.equal(slots('StopAlarm', ['a', 'b']), { StopAlarm1: 'a', StopAlarm2: 'b' })
  assert.equal(slots('StopAlarm', []), {})
  assert.equal(Object.keys(slots('X', Array(7).fill('v'))).at(-1), 'X7')
})

test.run()
