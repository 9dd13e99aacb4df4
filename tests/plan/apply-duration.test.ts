// The apply's expected duration: the longest chain of stack work, then the backup tool, then the slowest lane (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { stackSpecs } from '../../scripts/lib/apply/stacks.ts'
import {
  CHANGE_SET_S,
  createSeconds,
  deploymentSeconds,
  expectedApplySeconds,
  slowestLaneSeconds,
  updateSeconds,
} from '../../scripts/lib/plan/apply-duration.ts'
import { formatDuration } from '../../scripts/lib/plan/format.ts'

const model = readModel('.', 'production')
const specs = stackSpecs(model)
const name = (s: string) => `drsignet-production-${s}`

test("nothing to do costs nothing; a version bump costs its group's deployments only", () => {
  assert.is(
    expectedApplySeconds(model, specs, () => 'none', [], false),
    0,
  )
  assert.is(
    expectedApplySeconds(model, specs, () => 'none', ['patient-api'], false),
    deploymentSeconds(model, 'patient-api'),
  )
  // patient-api and doctor-api share the api group (one after another); the portal deploys beside them.
  assert.is(
    slowestLaneSeconds(model, ['patient-api', 'doctor-api', 'admin-portal']),
    deploymentSeconds(model, 'patient-api') + deploymentSeconds(model, 'doctor-api'),
  )
})

test('stack work follows the dependency graph: a chain adds up, independent stacks overlap', () => {
  const chain = new Set([name('data'), name('network')])
  const t = expectedApplySeconds(model, specs, (s) => (chain.has(s) ? 'update' : 'none'), [], false)
  assert.is(t, 2 * CHANGE_SET_S + updateSeconds('data.yaml') + updateSeconds('network.yaml'))
  const both = new Set([name('topic-deployments'), name('topic-operations')])
  assert.is(
    expectedApplySeconds(model, specs, (s) => (both.has(s) ? 'create' : 'none'), [], false),
    CHANGE_SET_S + createSeconds('topic.yaml'),
  )
  assert.is(
    expectedApplySeconds(model, specs, (s) => (s === name('data') ? 'change set' : 'none'), [], true),
    CHANGE_SET_S + deploymentSeconds(model, 'backup'),
  )
})

test('said as an estimate', () => {
  assert.equal([0, 20, 89, 420, 3600, 4830].map(formatDuration), [
    'under a minute',
    'under a minute',
    'about 1 min',
    'about 7 min',
    'about 1 h',
    'about 1 h 21 min',
  ])
})

test.run()
