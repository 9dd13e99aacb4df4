// Every MongoDB wait of the backup tools is bounded, and a bound the URI sets wins.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MONGO_TIMEOUTS, mongoTimeouts } from '../../scripts/lib/mongo/timeouts.ts'

test('without timeouts in the URI, server selection, connecting and every reply are bounded', () => {
  assert.equal(mongoTimeouts('mongodb://backup:pw@db.internal:27017/?authSource=admin&tls=true'), MONGO_TIMEOUTS)
  assert.ok(
    MONGO_TIMEOUTS.socketTimeoutMS > 0 &&
      MONGO_TIMEOUTS.connectTimeoutMS > 0 &&
      MONGO_TIMEOUTS.serverSelectionTimeoutMS > 0,
  )
})

test('a timeout written in the URI (any case) replaces only that default', () => {
  assert.equal(mongoTimeouts('mongodb://h/?sockettimeoutms=3000'), {
    serverSelectionTimeoutMS: 15_000,
    connectTimeoutMS: 10_000,
  })
  assert.equal(mongoTimeouts('mongodb://h/?serverSelectionTimeoutMS=2000&connectTimeoutMS=1'), {
    socketTimeoutMS: 1_800_000,
  })
})

test.run()
