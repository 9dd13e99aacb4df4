// Which revision a rollback deploys: the last good one not running, or the one named (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { log } from './audit-log.ts'
import { rollbackTarget } from '../../scripts/lib/apply/rollback.ts'

test('rollback picks the last good revision that is not running, or the named one', () => {
  assert.is(rollbackTarget(log, 'api', '1.1+b').revision, '1.0+a')
  assert.is(rollbackTarget(log, 'api', '1.0+a', '1.1+b').revision, '1.1+b')
  assert.throws(
    () => rollbackTarget(log, 'api', '1.1+b', '1.2+c'),
    /no successful deployment of api with revision 1.2\+c; known: 1.1\+b, 1.0\+a/,
  )
  assert.throws(
    () => rollbackTarget(log.slice(0, 1), 'api', '1.0+a'),
    /no earlier successful deployment of api to roll back to \(running 1.0\+a\)/,
  )
})

test.run()
