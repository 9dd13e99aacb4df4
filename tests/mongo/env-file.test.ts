import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEnvFile, resolveMongoUri } from '../../scripts/lib/mongo/env-file.ts'
import { redactError, redactUri } from '../../scripts/lib/mongo/redact.ts'

test('parses KEY=VALUE lines with comments, export and quotes', () => {
  assert.equal(parseEnvFile('# c\nexport MONGODB_URI="mongodb://u:p@h/db"\nX = \'y\'\n\nbad line\n'), {
    MONGODB_URI: 'mongodb://u:p@h/db',
    X: 'y',
  })
})

test('an explicit --env-file wins over MONGODB_URI, which wins over the default file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'envfile-'))
  const file = join(dir, 'backup.env')
  writeFileSync(file, 'MONGODB_URI=mongodb://from-file/\n')
  assert.is(resolveMongoUri(file, { MONGODB_URI: 'mongodb://from-env/' }), 'mongodb://from-file/')
  assert.is(resolveMongoUri(undefined, { MONGODB_URI: 'mongodb://from-env/' }), 'mongodb://from-env/')
  assert.throws(
    () => resolveMongoUri(join(dir, 'missing.env'), {}),
    /no MongoDB URI: set MONGODB_URI or write MONGODB_URI=\.\.\. in .*missing\.env/,
  )
  writeFileSync(file, 'OTHER=1\n')
  assert.throws(() => resolveMongoUri(file, {}), /has no MONGODB_URI=\.\.\. line/)
})

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
