// The command that recovers a failed or rolled-back stack (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { recoveryCommand } from '../../scripts/lib/apply/recovery.ts'

test('a failed or rolled-back stack comes with the command that recovers it', () => {
  assert.equal(
    ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE', 'CREATE_COMPLETE'].map((s) =>
      recoveryCommand('x-data', s),
    ),
    [
      'aws cloudformation delete-stack --stack-name x-data  # then run apply again',
      'aws cloudformation continue-update-rollback --stack-name x-data  # add --resources-to-skip for resources that cannot roll back',
      undefined,
      undefined,
    ],
  )
})

test.run()
