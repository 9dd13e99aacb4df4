// The account guard's pure decision and its refusals when STS cannot say who is calling (no I/O: scripted clients).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { STSClient } from '@aws-sdk/client-sts'
import { callerInAccount, wrongAccount } from '../../scripts/lib/aws/identity.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'

const env = { name: 'staging', account: '444455556666' }
const sts = (send: () => Promise<unknown>) => ({ send }) as unknown as STSClient

test('the same account passes; another is named with both accounts and the fix', () => {
  assert.is(
    wrongAccount(env, { arn: 'arn:aws:sts::444455556666:assumed-role/r/s', account: '444455556666' }),
    undefined,
  )
  assert.is(
    wrongAccount(env, { arn: 'arn:aws:iam::111122223333:user/u', account: '111122223333' }),
    'environment staging is account 444455556666; these credentials (arn:aws:iam::111122223333:user/u) are for 111122223333: nothing was changed; use credentials for 444455556666',
  )
})

test('an answer without an account, or an error STS gives for these credentials: refused, with the cause', async () => {
  const refusal = (client: STSClient) =>
    callerInAccount(client, env).then(
      () => 'passed',
      (e: Error) => `${e instanceof InputError ? '' : 'UNEXPECTED '}${e.message}`,
    )
  assert.is(
    await refusal(sts(async () => ({ Arn: 'arn:aws:iam::444455556666:user/u' }))),
    'cannot tell which AWS account these credentials are for (STS GetCallerIdentity: it gave no account): nothing was changed; check the credentials and the endpoint',
  )
  const denied = Object.assign(
    new Error('User: arn:aws:iam::444455556666:user/u is not authorized to perform: sts:GetCallerIdentity'),
    { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
  )
  assert.match(
    await refusal(
      sts(async () => {
        throw denied
      }),
    ),
    /^cannot tell which AWS account these credentials are for \(STS GetCallerIdentity: access denied: User: arn:aws:iam::444455556666:user\/u is not authorized to perform: sts:GetCallerIdentity; .*\): nothing was changed/,
  )
})

test.run()
