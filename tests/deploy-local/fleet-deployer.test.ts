// CodeDeploy played by a local fleet behind apply's Deployer: which fleet a group is, the revision downloaded into it,
// the deployment's state, overview and per-instance events as CodeDeploy reports them, and its errors (temp folders;
// tar.gz bundles in memory; an instance whose disk cannot be made fails to boot after its network namespace is made,
// removed after; the base deployer is a stand-in whose register answers as an emulator's does).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Deployer, DeploymentRequest, DeploymentState } from '../../scripts/lib/aws/deployer.ts'
import { packEntries } from '../../scripts/lib/bundle/tar.ts'
import { revisionsDir, type Fleet, type Instance } from '../../scripts/lib/deploy-local/fleet.ts'
import { fleetDeployer } from '../../scripts/lib/deploy-local/fleet-deployer.ts'
import { removeNetwork } from '../../scripts/lib/deploy-local/instance.ts'
import { unbootableInstance } from '../harness/test-instance.ts'

const work = mkdtempSync(join(tmpdir(), 'fleet-deployer-'))
const made: Instance[] = []
test.after(() => {
  for (const i of made) removeNetwork(i)
  rmSync(work, { recursive: true, force: true })
})

const revision = packEntries([
  { path: 'appspec.yml', data: Buffer.from('version: 0.0\nos: linux\n'), mode: 0o644 },
  {
    path: 'deploy/environment.json',
    data: Buffer.from(JSON.stringify({ app: 'patient-api', environment: 'staging', proxyPort: 8081 })),
    mode: 0o644,
  },
])

let fleets = 0
function fleet(instances: Instance[] = []): Fleet {
  const f: Fleet = { dir: join(work, `fleet${++fleets}`), id: 'fd01ab', targets: [], instances, deployments: 0 }
  mkdirSync(revisionsDir(f), { recursive: true })
  return f
}

function unbootable(n: number): Instance {
  const i = unbootableInstance(work, n, { letter: 'f', octet: 210 })
  made.push(i)
  return i
}

const notUsed = () => Promise.reject(new Error('not used by the fleet deployer'))
const emulator: Deployer = { register: async () => false, create: notUsed, get: notUsed, instances: notUsed }

const request = (group: string, key = 'staging/patient-api/1.14.2.tar.gz'): DeploymentRequest => ({
  application: 'drsignet-staging',
  group,
  bundle: { bucket: 'drsignet-staging-artifacts', key },
  config: 'CodeDeployDefault.OneAtATime',
  rollbackEvents: ['DEPLOYMENT_FAILURE'],
  description: 'test',
})

async function settled(d: Deployer, id: string): Promise<DeploymentState> {
  for (let n = 0; n < 200; n++) {
    const s = await d.get(id)
    if (s.status !== 'InProgress') return s
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${id} still in progress after 5 s`)
}

test("registering a revision is the base deployer's: the emulator's answer comes back", async () => {
  const d = fleetDeployer({ base: emulator, fleetOf: () => undefined, download: async () => Buffer.alloc(0) })
  assert.is(await d.register('drsignet-staging', { bucket: 'b', key: 'k' }, 'x'), false)
})

test('a group no fleet stands for, and a deployment this deployer never made, are errors naming them', async () => {
  const d = fleetDeployer({ base: emulator, fleetOf: () => undefined, download: async () => Buffer.alloc(0) })
  const created = await d.create(request('doctor-api')).catch((e: Error) => e.message)
  assert.is(created, 'no local fleet stands for deployment group doctor-api')
  assert.is(await d.get('d-LOCAL00001').catch((e: Error) => e.message), 'no local deployment d-LOCAL00001')
  assert.is(await d.instances('d-X').catch((e: Error) => e.message), 'no local deployment d-X')
})

test("the revision is downloaded into the group's fleet under its key's name; a fleet with no instance succeeds", async () => {
  const f = fleet()
  const asked: string[] = []
  const d = fleetDeployer({
    base: emulator,
    fleetOf: (group) => (group === 'patient-api' ? f : undefined),
    download: async (b) => {
      asked.push(`${b.bucket}/${b.key}`)
      return revision
    },
  })
  const id = await d.create(request('patient-api'))
  assert.is(id, 'd-LOCAL00001')
  assert.equal(asked, ['drsignet-staging-artifacts/staging/patient-api/1.14.2.tar.gz'])
  assert.equal(readFileSync(join(revisionsDir(f), '1.14.2.tar.gz')), await revision)
  assert.equal(await settled(d, id), {
    id,
    status: 'Succeeded',
    overview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 },
    error: undefined,
  })
  assert.equal(await d.instances(id), [])
  assert.is(await d.create(request('patient-api', 'staging/patient-api/1.14.3.tar.gz')), 'd-LOCAL00002')
})

test("an instance that fails reads as CodeDeploy's: its event failed with the reason, the rest still pending", async () => {
  const [i1, i2] = [unbootable(1), unbootable(2)]
  const d = fleetDeployer({ base: emulator, fleetOf: () => fleet([i1, i2]), download: () => revision })
  const id = await d.create(request('patient-api'))
  const reason = `ENOTDIR: not a directory, mkdir '${i1.dir}/disk'`
  assert.equal(await settled(d, id), {
    id,
    status: 'Failed',
    overview: { Pending: 1, InProgress: 0, Succeeded: 0, Failed: 1, Skipped: 0 },
    error: { code: 'SCRIPT_FAILED', message: `BeforeBlockTraffic on i1: ${reason}` },
  })
  const instances = (await d.instances(id))!
  assert.equal(instances, [
    {
      instanceId: 'i1',
      status: 'Failed',
      events: [
        {
          name: 'BeforeBlockTraffic',
          status: 'Failed',
          diagnostics: { errorCode: 'ScriptFailed', scriptName: '', message: reason, logTail: '' },
        },
      ],
    },
    { instanceId: 'i2', status: 'Pending', events: [] },
  ])
  instances[1]!.status = 'Succeeded'
  assert.is((await d.instances(id))![1]!.status, 'Pending', 'what it hands out is a copy')
})

test('a download that is no revision bundle fails the deployment with an internal error naming the file', async () => {
  const f = fleet()
  const d = fleetDeployer({ base: emulator, fleetOf: () => f, download: async () => Buffer.from('not gzip') })
  const id = await d.create(request('patient-api', 'staging/patient-api/broken.tar.gz'))
  const state = await settled(d, id)
  assert.equal(state.error, {
    code: 'INTERNAL_ERROR',
    message: `${join(revisionsDir(f), 'broken.tar.gz')}: not a revision bundle (a .tar.gz): incorrect header check`,
  })
  assert.is(state.status, 'Failed')
})

test.run()
