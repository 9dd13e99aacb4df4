// Credentials never reach a message: URIs and errors redacted (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { redactError, redactUri } from '../../scripts/lib/mongo/redact.ts'

test('credentials never reach a message', () => {
  assert.is(
    redactUri('connect mongodb://admin:s3cret@db.internal:27017/x failed'),
    'connect mongodb://***@db.internal:27017/x failed',
  )
  assert.is(redactUri('mongodb+srv://a:b@c/'), 'mongodb+srv://***@c/')
  const uri = 'mongodb://admin:s3cret@db/'
  assert.not.match(redactError(new Error(`bad ${uri} and s3cret`), uri), /admin:s3cret/)
})

test.run()
