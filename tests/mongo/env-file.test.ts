// Where the backup tool finds its MongoDB URI: the env file's KEY=VALUE lines and the order of sources (temp files).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEnvFile, resolveMongoUri } from '../../scripts/lib/mongo/env-file.ts'

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

test.run()
