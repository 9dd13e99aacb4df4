// Every file of one environment, from the Model and the templates given: which files, where, sorted, a manifest of
// their hashes last, a clash refused (pure; one test reads cloudformation/).
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Model } from '../../scripts/lib/config/model.ts'
import { environmentDiagram, toDot } from '../../scripts/lib/render/diagram.ts'
import { renderAppFiles, renderEnvironment, renderManifest, sha256 } from '../../scripts/lib/render/environment.ts'
import { readTemplates } from '../../scripts/lib/render/render-all.ts'
import { renderStackFiles } from '../../scripts/lib/render/stack-files.ts'
import { fixtureApp, fixtureModel, productionModel } from '../fixtures/model.ts'

const nginx = {
  files: new Map([
    ['vhost.conf.njk', 'listen {{ app.proxyPort }};\n'],
    ['snippets/a.conf', 'gzip on;\n'],
  ]),
}
/** The production-like model with patient-api alone: the api and database groups serve something, portal nothing. */
const oneApp = (): Model => {
  const model = productionModel()
  return { ...model, apps: model.apps.filter((a) => a.name === 'patient-api') }
}
const hash = (text: string) => createHash('sha256').update(text).digest('hex')

test('sha256 is the hex digest of the UTF-8 text', () => {
  assert.is(sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  assert.is(sha256('é'), '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c')
})

test('the manifest names the environment and each file with its hash and its size in bytes, not characters', () => {
  assert.equal(
    renderManifest('staging', [
      { path: 'a.txt', contents: 'abc' },
      { path: 'b/e.txt', contents: 'é' },
    ]),
    {
      path: 'manifest.json',
      contents: `{
  "environment": "staging",
  "files": [
    {
      "path": "a.txt",
      "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "bytes": 3
    },
    {
      "path": "b/e.txt",
      "sha256": "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c",
      "bytes": 2
    }
  ]
}
`,
    },
  )
})

test("an app's files: its deploy files, its vhost, and the snippets under nginx/, in bundle paths", () => {
  assert.equal(
    renderAppFiles(fixtureApp(), fixtureModel(), nginx).map((f) => f.path),
    [
      'appspec.yml',
      'deploy/hook.env',
      'deploy/ecosystem.config.cjs',
      'deploy/logrotate.conf',
      'deploy/environment.json',
      'deploy/cloudwatch-agent/base.json',
      'deploy/cloudwatch-agent/patient-api.json',
      'nginx/patient-api.conf',
      'nginx/drsignet/a.conf',
    ],
  )
  const files = renderAppFiles(fixtureApp(), fixtureModel(), nginx)
  assert.equal(files.slice(-2), [
    { path: 'nginx/patient-api.conf', contents: 'listen 8081;\n' },
    { path: 'nginx/drsignet/a.conf', contents: 'gzip on;\n' },
  ])
})

test('the environment: the diagram, each app under apps/, agents of the groups that serve something, the backup, sorted, manifest last', () => {
  const files = renderEnvironment(oneApp(), { nginx })
  assert.equal(
    files.map((f) => f.path),
    [
      'apps/patient-api/appspec.yml',
      'apps/patient-api/deploy/cloudwatch-agent/base.json',
      'apps/patient-api/deploy/cloudwatch-agent/patient-api.json',
      'apps/patient-api/deploy/ecosystem.config.cjs',
      'apps/patient-api/deploy/environment.json',
      'apps/patient-api/deploy/hook.env',
      'apps/patient-api/deploy/logrotate.conf',
      'apps/patient-api/nginx/drsignet/a.conf',
      'apps/patient-api/nginx/patient-api.conf',
      'backup/appspec.yml',
      'backup/deploy/cloudwatch-agent/backup.json',
      'backup/deploy/cloudwatch-agent/base.json',
      'backup/deploy/environment.json',
      'backup/deploy/hook.env',
      'backup/deploy/policy.json',
      'backup/systemd/drsignet-backup-production-check.service',
      'backup/systemd/drsignet-backup-production.service',
      'backup/systemd/drsignet-backup-production.timer',
      'backup/systemd/drsignet-mongo-tls-production.service',
      'backup/systemd/drsignet-mongo-tls-production.timer',
      'diagram.mmd',
      'instances/api/amazon-cloudwatch-agent.json',
      'instances/database/amazon-cloudwatch-agent.json',
      'manifest.json',
    ],
  )
  assert.ok(
    renderEnvironment(productionModel(), { nginx }).some(
      (f) => f.path === 'instances/portal/amazon-cloudwatch-agent.json',
    ),
    'the portal group gets its agent once an app runs there',
  )
})

test("each app's files are its renderAppFiles, byte for byte, and the manifest hashes every other file", () => {
  const model = oneApp()
  const files = renderEnvironment(model, { nginx })
  const own = renderAppFiles(model.apps[0]!, model, nginx)
  for (const f of own)
    assert.is(files.find((x) => x.path === `apps/patient-api/${f.path}`)?.contents, f.contents, f.path)
  const manifest = JSON.parse(files.at(-1)!.contents)
  assert.is(manifest.environment, 'production')
  assert.equal(
    manifest.files,
    files.slice(0, -1).map((f) => ({ path: f.path, sha256: hash(f.contents), bytes: Buffer.byteLength(f.contents) })),
  )
})

test('a layout adds diagram.svg, laid out from the DOT of the same diagram', () => {
  const model = oneApp()
  const seen: string[] = []
  const layout = (dot: string) => (seen.push(dot), `<svg>${dot.length}</svg>`)
  const files = renderEnvironment(model, { nginx }, layout)
  assert.equal(seen, [toDot(environmentDiagram(model))])
  assert.is(files.find((f) => f.path === 'diagram.svg')?.contents, `<svg>${seen[0]!.length}</svg>`)
  assert.is(
    renderEnvironment(model, { nginx }).find((f) => f.path === 'diagram.svg'),
    undefined,
  )
})

test('with the CloudFormation templates, the stack files go under cloudformation/, sorted in with the rest', () => {
  const model = oneApp()
  const stacks = readTemplates()
  const files = renderEnvironment(model, { nginx, stacks })
  const expected = renderStackFiles(model, stacks).map((f) => ({ ...f, path: `cloudformation/${f.path}` }))
  assert.equal(
    files.filter((f) => f.path.startsWith('cloudformation/')),
    [...expected].sort((a, b) => (a.path < b.path ? -1 : 1)),
  )
  const paths = files.slice(0, -1).map((f) => f.path)
  assert.equal(paths, [...paths].sort())
})

test('two renderers writing one path is refused, naming every path written twice', () => {
  const model = oneApp()
  assert.throws(
    () => renderEnvironment({ ...model, apps: [model.apps[0]!, model.apps[0]!] }, { nginx }),
    (e: Error) =>
      e.message ===
      'two renderers wrote apps/patient-api/appspec.yml, apps/patient-api/deploy/cloudwatch-agent/base.json, apps/patient-api/deploy/cloudwatch-agent/patient-api.json, apps/patient-api/deploy/ecosystem.config.cjs, apps/patient-api/deploy/environment.json, apps/patient-api/deploy/hook.env, apps/patient-api/deploy/logrotate.conf, apps/patient-api/nginx/drsignet/a.conf, apps/patient-api/nginx/patient-api.conf',
  )
})

test.run()
