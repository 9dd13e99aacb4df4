// Raw BSON to the server untouched: the document sequence carries each document's bytes as they were (in memory).
import { BSON, Long } from 'mongodb'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { rawDocuments } from '../../scripts/lib/mongo/document-sequence.ts'

test("the sequence holds the documents' bytes, even what js-bson would change on the way (a null _id, a date beyond Date)", () => {
  // A datetime of 2^62 ms and a null _id, written as bytes js-bson itself would not produce from these values.
  const far = Buffer.from(BSON.serialize({ _id: null, at: new Date(0) }))
  const at = far.indexOf(Buffer.from('at\0')) + 3
  far.writeBigInt64LE(2n ** 62n, at)
  const plain = Buffer.from(BSON.serialize({ _id: Long.fromNumber(7), n: 1 }))
  const bin = Buffer.from(rawDocuments('documents', [far, plain]).toBin())
  // OP_MSG payload type 1: kind byte, int32 size, the field name, then the documents back to back.
  assert.is(bin[0], 1)
  assert.is(bin.readInt32LE(1), bin.length - 1)
  const name = Buffer.from('documents\0')
  assert.ok(bin.subarray(5, 5 + name.length).equals(name))
  assert.ok(bin.subarray(5 + name.length).equals(Buffer.concat([far, plain])))
})

test.run()
