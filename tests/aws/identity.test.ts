// Who is calling and the account guard: moto's STS answering for the account it runs as, the pure decision, and the
// refusals when STS cannot say who is calling, scripted at the SDK's send (moto on loopback; scripted clients).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { STSClient } from '@aws-sdk/client-sts'
import { callerIdentity, callerInAccount, wrongAccount } from '../../scripts/lib/aws/identity.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { startMoto, type Moto } from '../harness/moto.ts'

const env = { name: 'staging', account: '444455556666' }
const sts = (send: () => Promise<unknown>) => ({ send }) as unknown as STSClient
let moto: Moto
let motoSts: STSClient

test.before(async () => {
  moto = await startMoto({ account: '444455556666' })
  motoSts = new STSClient({
    region: 'ap-south-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
})
test.after(async () => {
  await moto?.stop()
})

test("STS names the caller and its account; the environment's own account passes the guard, another is refused", async () => {
  const caller = await callerIdentity(motoSts)
  assert.equal(caller, { arn: 'arn:aws:sts::444455556666:user/moto', account: '444455556666' })
  assert.equal(await callerInAccount(motoSts, env), caller)
  const refused = await callerInAccount(motoSts, { name: 'production', account: '111122223333' }).catch((e) => e)
  assert.instance(refused, InputError)
  assert.is(
    refused.message,
    'environment production is account 111122223333; these credentials (arn:aws:sts::444455556666:user/moto) are for 444455556666: nothing was changed; use credentials for 111122223333',
  )
})

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

test("no credentials at all is the command's own failure: the SDK error passed on, not a guard refusal", async () => {
  const none = Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  })
  const e = await callerIdentity(
    sts(async () => {
      throw none
    }),
  ).catch((x) => x)
  assert.is(e, none)
})

test.run()
