// An instance group's stack: its image architecture, size, the apps it registers, and its health grace (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  APP_HEALTH_GRACE_S,
  architectureOf,
  instanceGroupStack,
} from '../../../scripts/lib/render/stacks/instance-group.ts'
import { productionModel } from '../../fixtures/model.ts'

const { env, apps } = productionModel()
const groupStack = (name: string) =>
  instanceGroupStack(
    env,
    env.instanceGroups.find((g) => g.name === name)!,
    apps,
  ).parameters

test('Graviton families (a "g" after the generation) take the arm64 image, others x86_64', () => {
  assert.equal(
    ['t4g.small', 'r6g.large', 'm7gd.xlarge', 'c6gn.medium', 't3.medium', 'm5.large', 'c5n.xlarge'].map(architectureOf),
    ['arm64', 'arm64', 'arm64', 'arm64', 'x86_64', 'x86_64', 'x86_64'],
  )
  assert.match(groupStack('database').ImageId!, /al2023-ami-kernel-default-arm64$/)
  assert.match(groupStack('api').ImageId!, /al2023-ami-kernel-default-x86_64$/)
})

test('an app group names its apps in every slot (empty ones too) and waits the health grace', () => {
  const api = groupStack('api')
  assert.equal(
    [1, 2, 3, 4, 5].map((i) => api[`TargetApp${i}`]),
    ['doctor-api', 'patient-api', '', '', ''],
  )
  assert.is(api.HealthCheckGracePeriod, String(APP_HEALTH_GRACE_S))
  assert.equal([api.Purpose, api.Zone, api.MinSize, api.MaxSize, api.TargetCpu], ['app', 'any', '2', '2', '0'])
})

test('the database group serves no app, has no grace and launches in the zone of its data volume', () => {
  const db = groupStack('database')
  assert.equal(
    [db.Purpose, db.Zone, db.HealthCheckGracePeriod, db.TargetApp1],
    ['database', env.database.zone, '0', ''],
  )
})

test.run()
