// The emulator's gaps are handled by wrappers the wiring adds for moto alone; the production adapters never hide them.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { codeDeployDeployer } from '../../scripts/lib/aws/deployer.ts'
import { emulatorDeployer, emulatorStackUpdater } from '../../scripts/lib/aws/emulator.ts'
import type { StackSpec, StackUpdater } from '../../scripts/lib/aws/stack-updater.ts'

// What the SDK throws when moto answers an operation it lacks with an HTML page.
const htmlPage = Object.assign(new SyntaxError('Unexpected token < in JSON: Deserialization error'), {
  $metadata: { httpStatusCode: 404 },
})
const accessDenied = Object.assign(new Error('not authorized to perform codedeploy:RegisterApplicationRevision'), {
  name: 'AccessDeniedException',
  $metadata: { httpStatusCode: 400 },
})
const client = (error: Error) =>
  ({
    send: async () => {
      throw error
    },
  }) as never
const bundle = { bucket: 'b', key: 'k' }
const failure = async (f: () => Promise<unknown>) => {
  try {
    await f()
  } catch (e) {
    return (e as Error).message
  }
  return 'resolved'
}

test('against AWS a missing operation is an error; the emulator wrapper turns only that into "not supported"', async () => {
  assert.match(
    await failure(() => codeDeployDeployer(client(htmlPage)).register('app', bundle, 'd')),
    /Deserialization error/,
  )
  assert.is(await emulatorDeployer(codeDeployDeployer(client(htmlPage))).register('app', bundle, 'd'), false)
  assert.is(await emulatorDeployer(codeDeployDeployer(client(htmlPage))).instances('d-1'), undefined)
  // Any other failure still fails, through the wrapper too.
  assert.match(
    await failure(() => emulatorDeployer(codeDeployDeployer(client(accessDenied))).register('app', bundle, 'd')),
    /not authorized/,
  )
})

test('on the emulator a new stack is created with CreateStack after its change set was previewed; updates execute theirs', async () => {
  const calls: string[] = []
  const base = {
    execute: async () => void calls.push('ExecuteChangeSet'),
    deleteChangeSet: async (stack: string, id: string) => void calls.push(`DeleteChangeSet ${stack} ${id}`),
  } as unknown as StackUpdater
  const cfn = {
    send: async (c: { constructor: { name: string }; input: { StackName: string; Capabilities: string[] } }) =>
      void calls.push(
        `${c.constructor.name} ${c.input.StackName} ${c.input.Capabilities.includes('CAPABILITY_NAMED_IAM')}`,
      ),
  } as never
  const spec: StackSpec = { stack: 'drsignet-staging-data', templateBody: '{}', parameters: {}, tags: {} }
  const updater = emulatorStackUpdater(base, cfn)
  await updater.execute(spec, { id: 'cs-1', type: 'CREATE', changes: [], noChanges: false })
  await updater.execute(spec, { id: 'cs-2', type: 'UPDATE', changes: [], noChanges: false })
  assert.equal(calls, [
    'DeleteChangeSet drsignet-staging-data cs-1',
    'CreateStackCommand drsignet-staging-data true',
    'ExecuteChangeSet',
  ])
})

test.run()
