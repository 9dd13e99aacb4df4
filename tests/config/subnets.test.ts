// The VPC's four subnets and which fixed addresses AWS leaves usable in one (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { privateSubnet, quarterCidrs, unusableAddress } from '../../scripts/lib/config/subnets.ts'

test('a VPC splits into public a, public b, private a, private b, in address order', () => {
  assert.equal(quarterCidrs('10.20.0.0/16'), ['10.20.0.0/18', '10.20.64.0/18', '10.20.128.0/18', '10.20.192.0/18'])
  assert.equal(quarterCidrs('172.31.255.0/24'), [
    '172.31.255.0/26',
    '172.31.255.64/26',
    '172.31.255.128/26',
    '172.31.255.192/26',
  ])
  assert.is(privateSubnet('10.20.0.0/16', 'a'), '10.20.128.0/18')
  assert.is(privateSubnet('10.20.0.0/16', 'b'), '10.20.192.0/18')
})

test('AWS keeps the first four addresses and the last of a subnet; outside is outside', () => {
  const cidr = '10.20.128.0/18'
  assert.is(unusableAddress('10.20.128.10', cidr), undefined)
  assert.is(unusableAddress('10.20.128.4', cidr), undefined)
  assert.is(unusableAddress('10.20.191.254', cidr), undefined)
  assert.is(unusableAddress('10.20.128.3', cidr), `is one of the four addresses AWS keeps at the start of ${cidr}`)
  assert.is(unusableAddress('10.20.191.255', cidr), `is the last address of ${cidr}, which AWS keeps`)
  assert.is(unusableAddress('10.20.192.0', cidr), `is outside ${cidr}`)
  assert.is(unusableAddress('10.20.127.255', cidr), `is outside ${cidr}`)
})

test.run()
