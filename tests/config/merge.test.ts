// The Model from validated documents: an app's defaults under the environment's overrides (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildModel,
  mergeApp,
  mergeOver,
  type AppDocument,
  type EnvironmentDocument,
} from '../../scripts/lib/config/merge.ts'
import { backupAgeShape } from '../../scripts/lib/config/model.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

const { version: _v, instanceGroup: _g, allowFrom: _a, ...appFile } = fixtureApp()
const file: AppDocument = appFile

/** The environment document fixtureModel stands for, with the apps it overrides. */
function environmentDocument(apps: EnvironmentDocument['apps']): EnvironmentDocument {
  const { instanceGroups, notifications, ...env } = fixtureModel().env
  return {
    ...env,
    instanceGroups: Object.fromEntries(instanceGroups.map(({ name, ...g }) => [name, g])),
    notifications: Object.fromEntries(notifications.map(({ name, ...t }) => [name, t])),
    apps,
  }
}

test('mergeOver: nested maps merge key by key, lists and scalars are replaced, the base is untouched', () => {
  const base = { a: { x: 1, y: [1, 2] }, b: 'kept', c: 1 }
  const merged = mergeOver(base, { a: { y: [3] }, c: 2 })
  assert.equal(merged, { a: { x: 1, y: [3] }, b: 'kept', c: 2 })
  assert.equal(base, { a: { x: 1, y: [1, 2] }, b: 'kept', c: 1 })
})

test('mergeApp: an override changes one setting of a section and keeps its siblings from the app file', () => {
  const app = mergeApp(file, { version: '2.0.0', instanceGroup: 'api', nginx: { readTimeout: '120s' } })
  assert.is(app.nginx.readTimeout, '120s')
  assert.is(app.nginx.connectTimeout, file.nginx.connectTimeout)
  assert.is(app.version, '2.0.0')
  assert.is(app.instanceGroup, 'api')
  assert.is('allowFrom' in app, false, 'no allowFrom unless the environment says one')
})

test('mergeApp: an app file without hosts gets an empty list; allowFrom comes from the environment alone', () => {
  const { hosts: _h, ...noHosts } = file
  const app = mergeApp(noHosts, { version: '1.0.0', instanceGroup: 'api', allowFrom: ['203.0.113.0/24'] })
  assert.equal(app.hosts, [])
  assert.equal(app.allowFrom, ['203.0.113.0/24'])
})

test('buildModel: groups and topics become lists sorted by name; apps without a loaded file are left out', () => {
  const doc = environmentDocument({
    'patient-api': { version: '1.2.3', instanceGroup: 'api' },
    'broken-api': { version: '1.0.0', instanceGroup: 'api' },
  })
  doc.instanceGroups = { web: doc.instanceGroups.api!, api: doc.instanceGroups.api! }
  const model = buildModel(doc, new Map([['patient-api', file]]))
  assert.equal(
    model.env.instanceGroups.map((g) => g.name),
    ['api', 'web'],
  )
  assert.equal(
    model.apps.map((a) => [a.name, a.version]),
    [['patient-api', '1.2.3']],
  )
  assert.ok(Object.isFrozen(model.apps[0]!.nginx), 'the model is frozen all the way down')
})

test('buildModel: a backup-age alarm gets the shape it is rendered with; other alarms keep theirs', () => {
  const doc = environmentDocument({})
  doc.alarms = [
    { name: 'stale', metric: 'backup-age', threshold: 90000, period: 3600, notify: ['deployments'] },
    {
      name: 'cpu',
      metric: 'cpu',
      instanceGroup: 'api',
      statistic: 'Maximum',
      threshold: 90,
      comparison: 'GreaterThanThreshold',
      period: 60,
      evaluationPeriods: 3,
      notify: ['deployments'],
    },
  ]
  const [stale, cpu] = buildModel(doc, new Map()).env.alarms
  assert.equal(stale, { ...doc.alarms[0]!, ...backupAgeShape({ threshold: 90000, period: 3600 }) })
  assert.equal(cpu, doc.alarms[1])
})

test('buildModel: an alarm that lacks its statistic is a bug upstream (the schema requires it), not a default', () => {
  const doc = environmentDocument({})
  doc.alarms = [{ name: 'cpu', metric: 'cpu', instanceGroup: 'api', threshold: 90, period: 60, notify: [] }]
  assert.throws(() => buildModel(doc, new Map()), /alarm 'cpu' passed the schema without statistic/)
})

test.run()
