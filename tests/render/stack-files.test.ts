// Parameter files of every stack, in both forms, and the check against the templates that can fail.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { readTemplates } from '../../scripts/lib/render/render-all.ts'
import { renderStackFiles, StackParameterError } from '../../scripts/lib/render/stack-files.ts'
import { InputError } from '../../scripts/lib/cli/errors.ts'

const model = readModel('.', 'production')

test('every stack gets a CLI parameter file and a CodePipeline template configuration', () => {
  const files = renderStackFiles(model, readTemplates())
  const security = files.find((f) => f.path === 'drsignet-production-security.params.json')!
  assert.equal(JSON.parse(security.contents), [
    { ParameterKey: 'EnvName', ParameterValue: 'production' },
    { ParameterKey: 'MongoPort', ParameterValue: '27517' },
    { ParameterKey: 'Project', ParameterValue: 'drsignet' },
    { ParameterKey: 'SshPort', ParameterValue: '2222' },
    { ParameterKey: 'VpnPeerCidr', ParameterValue: '203.0.113.0/24' },
  ])
  const config = JSON.parse(files.find((f) => f.path === 'drsignet-production-security.config.json')!.contents)
  assert.equal(config.Tags, { Environment: 'production', Project: 'drsignet' })
  const order = JSON.parse(files.find((f) => f.path === 'stacks.json')!.contents)
  assert.is(order[0].template, 'data.yaml')
  assert.is(files.length, order.length * 2 + 1)
})

test('a template whose parameters no longer match stops the render with every mismatch', () => {
  const templates = new Map(readTemplates())
  const security = structuredClone(templates.get('security.yaml')!)
  security.Parameters.NewRequired = { Type: 'String' }
  security.Parameters.SshPort = { Type: 'Number', MaxValue: 1024 }
  templates.set('security.yaml', security)
  // An input error: ops.ts prints every line of it, not the first alone with a hint to run --debug.
  assert.throws(() => renderStackFiles(model, templates), (e: Error) =>
    e instanceof StackParameterError && e instanceof InputError &&
    e.message.includes('drsignet-production-security (security.yaml): parameter NewRequired is required') &&
    e.message.includes('drsignet-production-security (security.yaml): SshPort 2222 is above MaxValue 1024'))
})

test.run()
