// Unit tests of the appspec renderer, checked against schemas/appspec.schema.json (reads the schema file).
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import Ajv2020 from 'ajv/dist/2020.js'
import { parse } from 'yaml'
import {
  appspecFor,
  checkPermissions,
  covers,
  hookOrder,
  renderAppspec,
  revisionAppspec,
  type Permission,
} from '../../scripts/lib/render/appspec.ts'
import { backupAgentAppspec } from '../../scripts/lib/render/backup-agent.ts'
import { readConfig } from '../../scripts/lib/config/read.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

const schema = JSON.parse(readFileSync(new URL('../../schemas/appspec.schema.json', import.meta.url), 'utf8'))
const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(schema)
const model = fixtureModel()

test('the rendered appspec is valid against the AppSpec schema', () => {
  const doc = parse(renderAppspec(fixtureApp(), model).contents) as { version: number }
  assert.ok(validate(doc), JSON.stringify(validate.errors))
  assert.is(doc.version, 0)
  assert.match(renderAppspec(fixtureApp(), model).contents, /^version: 0\.0$/m)
})

test('hooks run in the documented order with the app timeouts and runas', () => {
  const doc = parse(renderAppspec(fixtureApp(), model).contents)
  const events = Object.keys(doc.hooks)
  assert.equal(
    events,
    hookOrder.filter((e) => events.includes(e)),
  )
  assert.equal(events, [
    'AfterBlockTraffic',
    'ApplicationStop',
    'BeforeInstall',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
  ])
  assert.equal(doc.hooks.ApplicationStop, [{ location: 'hooks/application-stop.sh', runas: 'patient', timeout: 60 }])
  assert.equal(doc.hooks.BeforeInstall, [{ location: 'hooks/before-install.sh', runas: 'root', timeout: 120 }])
  assert.is(doc.hooks.AfterBlockTraffic[0].timeout, 90) // the drain budget comes from BeforeBlockTraffic
  assert.equal(doc.files, [{ destination: '/opt/drsignet/patient-api/current', source: '/' }])
  assert.is(doc.file_exists_behavior, 'OVERWRITE')
})

test('rendering is deterministic', () => {
  assert.is(renderAppspec(fixtureApp(), model).contents, renderAppspec(fixtureApp(), fixtureModel()).contents)
})

test('a hook timeout above 3600 s is refused', () => {
  const app = fixtureApp({ hookTimeouts: { ...fixtureApp().hookTimeouts, ApplicationStop: 3601 } })
  assert.throws(() => renderAppspec(app, model), /hookTimeouts.ApplicationStop must be an integer in 1..3600, got 3601/)
})

test('the schema rejects reserved events, unknown keys and long timeouts', () => {
  const base = parse(renderAppspec(fixtureApp(), model).contents)
  const hook = [{ location: 'hooks/x.sh', timeout: 10 }]
  assert.not.ok(validate({ ...base, hooks: { Install: hook } }))
  assert.not.ok(validate({ ...base, hooks: { BlockTraffic: hook } }))
  assert.not.ok(validate({ ...base, hooks: { ApplicationStop: [{ location: 'x.sh', timeout: 3601 }] } }))
  assert.not.ok(validate({ ...base, version: 1 }))
  assert.not.ok(validate({ ...base, file_exists_behavior: 'REPLACE' }))
  assert.not.ok(validate({ ...base, extra: true }))
})

test('every app of every environment in this repository renders a valid appspec', () => {
  // Problems in the configuration are the validate suite's to report; here every model that loads must render.
  const { models } = readConfig(new URL('../..', import.meta.url).pathname)
  assert.ok(models.length > 0)
  for (const model of models) {
    for (const app of model.apps) {
      const doc = parse(renderAppspec(app, model).contents) as { hooks: Record<string, { runas: string }[]> }
      assert.ok(validate(doc), `${model.env.name}/${app.name}: ${JSON.stringify(validate.errors)}`)
      assert.ok(Object.values(doc.hooks).every((h) => ['root', app.user].includes(h[0].runas)))
    }
  }
})

const release = '/opt/drsignet/patient-api/current'
const bundlePaths = [
  'appspec.yml',
  'app/dist/server.js',
  'app/package.json',
  'deploy/hook.env',
  'hooks/after-block-traffic.sh',
  'hooks/lib/common.sh',
  'nginx/patient-api.conf',
]

test('permissions cover paths as the AppSpec reference says: ** below the object, other patterns one level, except, type', () => {
  const p = (x: Partial<Permission>): Permission => ({ object: release, ...x })
  assert.ok(covers(p({}), `${release}/hooks/lib/common.sh`, 'file'), '** reaches every level')
  assert.not.ok(covers(p({}), release, 'directory'), 'never the object itself')
  assert.not.ok(covers(p({}), '/opt/drsignet/patient-api/currently', 'directory'), 'a sibling that shares a prefix')
  assert.ok(covers(p({ pattern: '*.sh' }), `${release}/run.sh`, 'file'))
  assert.not.ok(
    covers(p({ pattern: '*.sh' }), `${release}/hooks/run.sh`, 'file'),
    'a pattern matches names directly under the object',
  )
  assert.not.ok(covers(p({ pattern: 'a?c' }), `${release}/abc`, 'file'), '? is a literal: only * is a wildcard')
  assert.not.ok(covers(p({ except: ['app'] }), `${release}/app`, 'directory'))
  assert.ok(covers(p({ except: ['app'] }), `${release}/app/x.js`, 'file'), 'except, too, looks one level down')
  assert.not.ok(covers(p({ type: ['directory'] }), `${release}/app/x.js`, 'file'))
})

test('render refuses permissions that set one path twice, as the agent does; the rendered ones never do', () => {
  // The entries shipped before: all files 644 for the app user, then hooks/*.sh 755 for root, overlapping.
  const overlapping = {
    files: [{ source: '/', destination: release }],
    permissions: [
      { object: release, pattern: '**', owner: 'patient', mode: 644, type: ['file'] },
      { object: `${release}/hooks`, pattern: '*.sh', owner: 'root', mode: 755, type: ['file'] },
    ] as Permission[],
  }
  assert.throws(
    () => checkPermissions(overlapping, bundlePaths),
    /^appspec permissions 1 and 2 both set \/opt\/drsignet\/patient-api\/current\/hooks\/after-block-traffic\.sh; the CodeDeploy agent refuses a path set twice/,
  )
  checkPermissions(appspecFor(fixtureApp()), bundlePaths)
  checkPermissions(backupAgentAppspec(), ['appspec.yml', 'hooks/backup/after-install.sh', 'ops/scripts/ops.ts'])
})

test("the release gives the app user nothing: no permissions entry, so the archive's owner (root) and modes stay", () => {
  // An entry handing app/ to the app user let it plant links where the agent then wrote and chowned as root.
  assert.not.ok('permissions' in appspecFor(fixtureApp()))
  assert.not.ok('permissions' in backupAgentAppspec())
  assert.not.ok('permissions' in revisionAppspec('/opt/x', {}))
})

test.run()
