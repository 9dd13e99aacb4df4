import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Crc64, crc64 } from '../../scripts/lib/backup/crc64.ts'

test('matches the CRC-64/XZ check value (Go hash/crc64 ECMA)', () => {
  assert.is(BigInt.asUintN(64, crc64(Buffer.from('123456789'))).toString(16), '995dc9bbdf1939fa')
})

test('is 0 for no bytes, like an empty namespace in mongodump', () => {
  assert.is(crc64(Buffer.alloc(0)), 0n)
})

test('does not depend on how the input is split', () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff))
  const c = new Crc64()
  for (let i = 0; i < data.length; i += 7) c.update(data.subarray(i, i + 7))
  assert.is(c.value(), crc64(data))
})

test('reads as a signed int64, as the archive stores it', () => {
  assert.ok(crc64(Buffer.from('123456789')) < 0n)
})

test.run()
