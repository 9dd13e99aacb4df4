// An unexpected error as the one line a user can act on: no credentials, unreachable, denied, throttled (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { explainError } from '../../scripts/lib/cli/explain-error.ts'

test('errors become one line with the cause and the fix', () => {
  const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }
  assert.is(
    explainError(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      {},
    ),
    'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run in CodeBuild, whose role provides them',
  )
  assert.is(
    explainError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
        code: 'ECONNREFUSED',
        address: '127.0.0.1',
        port: 9,
      }),
      env,
    ),
    'cannot reach 127.0.0.1:9 (ECONNREFUSED), given up after retrying for 15 s: check AWS_ENDPOINT_URL (http://127.0.0.1:9) and that the emulator runs',
  )
  assert.is(
    explainError(
      Object.assign(
        new Error(
          'User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k\nmore',
        ),
        { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
      ),
      {},
    ),
    'access denied: User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k; the role needs that permission (see cloudformation/pipeline.yaml)',
  )
  assert.is(
    explainError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), {}),
    'AWS kept throttling (ThrottlingException) after every retry: run again in a few minutes',
  )
  assert.is(
    explainError(new TypeError('x is not a function\n  at y'), {}),
    'TypeError: x is not a function (run again with --debug for the stack trace)',
  )
})

test.run()
