// The account guard through the CLI against moto: credentials for another account are refused before anything is read
// or written, with both accounts named; the environment's own account passes (I/O: moto on loopback, child processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { ListStacksCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { InputError } from '../../../scripts/lib/cli/errors.ts'
import { root, runOps } from './support.ts'

let other: Moto
let own: Moto

const ops = (moto: Moto, args: string[]) => runOps(args, moto.env)

const clientConfig = (moto: Moto) => ({
  endpoint: moto.endpoint,
  region: 'ap-south-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  forcePathStyle: true,
})
const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)

test.before(async () => {
  // moto's default account, 123456789012: neither staging's (444455556666) nor production's (111122223333).
  ;[other, own] = await Promise.all([startMoto(), startMoto({ account: '444455556666' })])
})
test.after(async () => {
  await Promise.all([other?.stop(), own?.stop()])
})

// In this process, as ops.ts dispatches them, so that six commands cost one moto and no extra Node start-ups.
const commands = [
  ['plan', 'staging'],
  ['apply', 'staging'],
  ['rollback', 'staging', 'patient-api'],
  ['drift', 'staging'],
  ['history', 'staging'],
  ['metrics', 'staging'],
]
const refusal =
  'environment staging is account 444455556666; these credentials (arn:aws:sts::123456789012:user/moto) are for 123456789012: nothing was changed; use credentials for 444455556666'

test("every command that acts on an environment, with another account's credentials: refused before it reads anything", async () => {
  const saved = { ...process.env }
  Object.assign(process.env, other.env)
  try {
    for (const [name, ...argv] of commands) {
      const { run } = (await import(`../../../scripts/commands/${name}.ts`)) as {
        run: (argv: string[]) => Promise<number>
      }
      const e = await run([...argv, '--root', root]).then(
        () => undefined,
        (err: unknown) => err,
      )
      assert.instance(e, InputError, `${name} was not refused`)
      assert.is((e as Error).message, refusal, name)
    }
  } finally {
    process.env = saved
  }
})

test('through the CLI: exit 1, the one line, no stack trace', async () => {
  const r = await ops(other, ['apply', 'staging'])
  assert.is(r.code, 1, r.stderr)
  assert.is(r.stdout, '')
  assert.is(lastLine(r.stderr), refusal)
  assert.not.match(r.stderr, /\n\s+at /)
})

test('the refusals left the other account as they found it: no bucket, no stack, no lock', async () => {
  const config = clientConfig(other)
  assert.equal((await new S3Client(config).send(new ListBucketsCommand({}))).Buckets ?? [], [])
  assert.equal((await new CloudFormationClient(config).send(new ListStacksCommand({}))).StackSummaries ?? [], [])
})

test("the environment's own account gets past the guard (history of an environment with nothing deployed yet)", async () => {
  await new S3Client(clientConfig(own)).send(
    new CreateBucketCommand({
      Bucket: 'drsignet-staging-artifacts',
      CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' },
    }),
  )
  const r = await ops(own, ['history', 'staging'])
  assert.not.match(r.stderr, /these credentials/)
  assert.is(r.code, 0, r.stderr)
})

test.run()
