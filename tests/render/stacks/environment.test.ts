// The environment's own stacks: the patch window's schedule and what the data and network stacks are given (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dataStack, networkStack, patchSchedule } from '../../../scripts/lib/render/stacks/environment.ts'
import { productionModel } from '../../fixtures/model.ts'

const { env } = productionModel()

test('the patch window: quarterly is every third month from January, on the nth weekday, at its time', () => {
  assert.is(patchSchedule(env.patching), 'cron(0 2 ? 1/3 SUN#1 *)')
  assert.is(
    patchSchedule({ ...env.patching, frequency: 'monthly', weekday: 'TUE', week: 2, time: '23:45' }),
    'cron(45 23 ? * TUE#2 *)',
  )
})

test('the network stack gets the four subnets of the VPC and the ports the YAML opens', () => {
  const p = networkStack(env).parameters
  assert.equal(
    [p.VpcCidr, p.PublicSubnetACidr, p.PublicSubnetBCidr, p.PrivateSubnetACidr, p.PrivateSubnetBCidr],
    ['10.20.0.0/16', '10.20.0.0/18', '10.20.64.0/18', '10.20.128.0/18', '10.20.192.0/18'],
  )
  assert.equal(dataStack(env).stack, 'drsignet-production-data')
})

test.run()
