// The deployment history table (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { log } from './audit-log.ts'
import { formatHistory } from '../../scripts/lib/apply/history.ts'

test('history is an aligned table, oldest first', () => {
  assert.fixture(
    formatHistory(log.slice(0, 2)),
    [
      'ended                 app  action  result     revision  deployment  commit  who',
      '2026-01-01T01:00:00Z  api  deploy  Succeeded  1.0+a     d-01        c       ci',
      '2026-01-01T02:00:00Z  api  deploy  Succeeded  1.1+b     d-02        c       ci',
      '',
    ].join('\n'),
  )
  assert.is(formatHistory([], 'web'), 'no deployments recorded for web\n')
})

test.run()
