// runDrift with scripted services: a drifted stack, an app off its desired revision, an instance that did not take its revision (no AWS).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { ArtifactStore } from '../../scripts/lib/aws/artifact-store.ts'
import type { Services } from '../../scripts/lib/apply/services.ts'
import { runDrift } from '../../scripts/lib/apply/drift.ts'
import { desiredReleases } from '../../scripts/lib/apply/bundle.ts'
import { keys, type DeployedState } from '../../scripts/lib/apply/state.ts'
import { readModel } from '../../scripts/lib/config/read.ts'

const model = readModel(new URL('../../', import.meta.url).pathname, 'staging')

function memoryStore(objects: Record<string, string>): ArtifactStore {
  return {
    bucket: 'mem',
    put: async (k, b) => {
      objects[k] = b.toString()
      return {}
    },
    create: async (k, b) => (k in objects ? false : ((objects[k] = b.toString()), true)),
    get: async (k) => (k in objects ? Buffer.from(objects[k]!) : undefined),
    head: async (k) => (k in objects ? {} : undefined),
    list: async (p) =>
      Object.keys(objects)
        .filter((k) => k.startsWith(p))
        .sort(),
  }
}

test('reports drifted stacks, apps off their revision and instances that failed their last deployment', async () => {
  const desired = desiredReleases(model)
  // By name, in the order the app ids were given before the backup tool went first.
  const byName = new Map(desired.map((d) => [d.name, d]))
  const order = ['admin-portal', 'doctor-api', 'patient-api', 'backup']
  const rev = (name: string) => byName.get(name)!.revision
  const at = (i: number, revision = byName.get(order[i]!)!.revision) => ({
    version: byName.get(order[i]!)!.version,
    revision,
    bundleKey: 'b',
    sha256: 's',
    deploymentId: `d-${i}`,
    deployedAt: 't',
    commit: 'c',
  })
  const state: DeployedState = {
    environment: 'staging',
    apps: { 'admin-portal': at(0), 'doctor-api': at(1), 'patient-api': at(2, '1.14.0+old'), backup: at(3) },
    files: {},
  }
  const svc = {
    stacks: {
      status: async (s: string) => (s.endsWith('-data') || s.endsWith('-network') ? 'UPDATE_COMPLETE' : undefined),
      drift: async (s: string) =>
        s.endsWith('-network')
          ? {
              status: 'DRIFTED',
              resources: [{ logicalId: 'PublicRouteTable', type: 'AWS::EC2::RouteTable', drift: 'MODIFIED' }],
            }
          : { status: 'IN_SYNC', resources: [] },
    },
    store: memoryStore({ [keys.state('staging')]: JSON.stringify(state) }),
    deployer: {
      instances: async (id: string) =>
        id === 'd-1'
          ? [
              { instanceId: 'i-1', status: 'Succeeded', events: [] },
              { instanceId: 'i-2', status: 'Failed', events: [] },
            ]
          : id === 'd-0'
            ? undefined
            : [],
    },
  } as unknown as Services
  const only = (s: { template: string }) =>
    ['data.yaml', 'network.yaml'].includes(s.template) ? undefined : 'not in this test'
  const r = await runDrift(model, svc, { skip: only })
  assert.equal(
    r.lines.filter((l) => !l.includes('not in this test')),
    [
      'stack drsignet-staging-data: IN_SYNC',
      'stack drsignet-staging-network: DRIFTED',
      '  PublicRouteTable (AWS::EC2::RouteTable): MODIFIED',
      `app backup: at ${rev('backup')}`,
      `app admin-portal: at ${rev('admin-portal')}`,
      '  instances: not available from this endpoint',
      `app doctor-api: at ${rev('doctor-api')}`,
      '  i-2: Failed in d-1, not on ' + rev('doctor-api'),
      `app patient-api: deployed 1.14.0+old, desired ${rev('patient-api')}`,
    ],
  )
  assert.is(r.drifted, 3)
})

test.run()
