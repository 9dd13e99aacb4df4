// Parameter files of every stack, in both forms, and the check against the templates that can fail.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { readTemplates } from '../../scripts/lib/render/render-all.ts'
import { renderStackFiles, StackParameterError, stacksFromFiles } from '../../scripts/lib/render/stack-files.ts'
import { stackSpecs } from '../../scripts/lib/apply/stacks.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
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

test('render once: plan and apply send the stacks the rendered files hold, read back from them', () => {
  const files = renderStackFiles(model, readTemplates())
  const strip = (
    xs: {
      stack: string
      template: string
      parameters: Record<string, string>
      tags: Record<string, string>
      after?: string[]
    }[],
  ) =>
    xs.map((x) => ({
      stack: x.stack,
      template: x.template,
      parameters: x.parameters,
      tags: x.tags,
      after: x.after?.length ? x.after : undefined,
    }))
  // The same stacks as the model gives, in the same order, with the same waits...
  assert.equal(strip(stackSpecs(model)), strip(stackInstances(model)))
  // ...because they are read from the files: an edit to a rendered file is what would be sent.
  const edited = files.map((f) =>
    f.path === 'drsignet-production-data.config.json'
      ? { ...f, contents: f.contents.replace('"BackupRetentionDays": "15"', '"BackupRetentionDays": "16"') }
      : f,
  )
  assert.is(
    stacksFromFiles(edited).find((s) => s.stack === 'drsignet-production-data')!.parameters.BackupRetentionDays,
    '16',
  )
  assert.throws(
    () => stacksFromFiles(files.filter((f) => f.path !== 'drsignet-production-vpn.config.json')),
    /the rendered stacks have no drsignet-production-vpn\.config\.json/,
  )
})

test('a template whose parameters no longer match stops the render with every mismatch', () => {
  const templates = new Map(readTemplates())
  const security = structuredClone(templates.get('security.yaml')!)
  security.Parameters.NewRequired = { Type: 'String' }
  security.Parameters.SshPort = { Type: 'Number', MaxValue: 1024 }
  templates.set('security.yaml', security)
  // An input error: ops.ts prints every line of it, not the first alone with a hint to run --debug.
  assert.throws(
    () => renderStackFiles(model, templates),
    (e: Error) =>
      e instanceof StackParameterError &&
      e instanceof InputError &&
      e.message.includes('drsignet-production-security (security.yaml): parameter NewRequired is required') &&
      e.message.includes('drsignet-production-security (security.yaml): SshPort 2222 is above MaxValue 1024'),
  )
})

test.run()
