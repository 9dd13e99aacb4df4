// Lock contention, a deployment failing at ValidateService on the second instance (scripted at that step), rollback and history, against moto (I/O: moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { awsServices } from '../../../scripts/lib/aws/services.ts'
import type { Alert } from '../../../scripts/lib/aws/notifier.ts'
import type { Deployer } from '../../../scripts/lib/aws/deployer.ts'
import { runApply } from '../../../scripts/lib/apply/run-apply.ts'
import { runRollback } from '../../../scripts/lib/apply/rollback.ts'
import { formatHistory } from '../../../scripts/lib/apply/history.ts'
import { folderArtifacts, storeArtifacts } from '../../../scripts/lib/apply/bundle.ts'
import { contentHash, packEntries, unpackEntries } from '../../../scripts/lib/bundle/tar.ts'
import { publishRelease } from '../../../scripts/lib/release/publish.ts'
import { acquireLock, LockHeldError } from '../../../scripts/lib/apply/lock.ts'
import type { Runtime, Services } from '../../../scripts/lib/apply/services.ts'
import { readAudit, readState } from '../../../scripts/lib/apply/state.ts'
import type { Model } from '../../../scripts/lib/config/model.ts'
import { agentStandIn, createDeploymentGroups, makeArtifacts, stagingModel, useMotoEnv } from './support.ts'

let moto: Moto
let model: Model
let artifacts: string
const lines: string[] = []
const WHO = 'arn:aws:sts::123456789012:assumed-role/codebuild/test'
const rt = (over: Partial<Runtime> = {}): Runtime => ({
  log: (l) => {
    lines.push(l)
  },
  now: () => new Date(),
  pollMs: 5,
  timeoutMs: 10_000,
  who: WHO,
  commit: 'feed123',
  ...over,
})
// Only the stacks these tests need: the artifacts bucket and the alert topics.
const onlyDataAndTopics = (s: { template: string }) =>
  ['data.yaml', 'topic.yaml'].includes(s.template) ? undefined : 'not needed by this suite'
const bumped = (version: string): Model => ({
  env: model.env,
  apps: model.apps.map((a) => (a.name === 'patient-api' ? { ...a, version } : a)),
})

let svc: ReturnType<typeof awsServices>
const published: Alert[] = []
const services = (deployer: Deployer): Services => ({
  ...svc,
  deployer,
  // The real SNS publish, recorded so the test can read the alert moto accepted.
  notifier: {
    publish: async (topics, alert) => {
      const r = await svc.notifier.publish(topics, alert)
      if (r.published.length) published.push(alert)
      return r
    },
  },
})

test.before(async () => {
  moto = await startMoto()
  useMotoEnv(moto)
  model = await stagingModel(moto)
  await createDeploymentGroups(model)
  artifacts = makeArtifacts(model, { 'patient-api': '1.16.0' })
  svc = awsServices(model, { pollMs: 5, emulator: true })
  const r = await runApply(model, services(agentStandIn(svc.deployer, moto.endpoint)), rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: onlyDataAndTopics,
  })
  if (r.code !== 0) throw new Error(`${r.summary}\n${lines.join('\n')}`)
})
test.after(async () => {
  await moto?.stop()
})

test('a second apply is refused while the first holds the lock', async () => {
  const first = await acquireLock(svc.lock, {
    holder: 'pipeline-run-1',
    commit: 'aaa111',
    ttlSeconds: 3600,
    now: new Date('2026-01-01T10:00:00Z'),
    log: () => {},
  })
  const err = await runApply(
    model,
    services(agentStandIn(svc.deployer, moto.endpoint)),
    rt({ now: () => new Date('2026-01-01T10:05:00Z') }),
    { artifacts: folderArtifacts(artifacts), skipStack: onlyDataAndTopics },
  ).catch((e) => e)
  assert.instance(err, LockHeldError)
  assert.is(
    err.message,
    'lock: another apply holds s3://drsignet-staging-artifacts/locks/staging.json: pipeline-run-1 (commit aaa111) since 2026-01-01T10:00:00.000Z, 300 s ago. Wait for it to finish (or, if it is gone, use --force-unlock).',
  )
  await first.release()
})

test('a stale lock is reported, and --force-unlock clears it', async () => {
  await acquireLock(svc.lock, {
    holder: 'pipeline-run-0',
    commit: 'bbb222',
    ttlSeconds: 3600,
    now: new Date('2026-01-01T08:00:00Z'),
    log: () => {},
  })
  const later = () => new Date('2026-01-01T10:00:00Z')
  const err = await runApply(model, services(agentStandIn(svc.deployer, moto.endpoint)), rt({ now: later }), {
    artifacts: folderArtifacts(artifacts),
    skipStack: onlyDataAndTopics,
  }).catch((e) => e)
  assert.is(
    err.message,
    'lock: s3://drsignet-staging-artifacts/locks/staging.json is stale: held by pipeline-run-0 (commit bbb222) since 2026-01-01T08:00:00.000Z, 7200 s ago, past its TTL of 3600 s. If that apply is gone, run again with --force-unlock.',
  )
  lines.length = 0
  const r = await runApply(model, services(agentStandIn(svc.deployer, moto.endpoint)), rt({ now: later }), {
    artifacts: folderArtifacts(artifacts),
    skipStack: onlyDataAndTopics,
    forceUnlock: true,
  })
  assert.is(r.code, 0)
  assert.is(
    lines[0],
    'lock: cleared s3://drsignet-staging-artifacts/locks/staging.json held by pipeline-run-0 (commit bbb222) since 2026-01-01T08:00:00.000Z, 7200 s ago (--force-unlock)',
  )
})

test('a deployment failing at ValidateService on the second instance alerts with its diagnostics and exits 1', async () => {
  lines.length = 0
  published.length = 0
  const before = await readState(svc.store, 'staging')
  let polls = 0
  // The scripted step moto cannot produce: agents on two instances, the second failing its health check.
  const real = agentStandIn(svc.deployer, moto.endpoint)
  const scripted: Deployer = {
    ...real,
    async get(id) {
      await real.get(id) // the deployment exists in moto
      polls++
      return polls < 2
        ? { id, status: 'InProgress', overview: { Pending: 1, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 } }
        : {
            id,
            status: 'Failed',
            overview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 1, Skipped: 0 },
            error: {
              code: 'HEALTH_CONSTRAINTS',
              message: 'The overall deployment failed because too many individual instances failed deployment',
            },
          }
    },
    async instances() {
      const ok = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'].map(
        (name) => ({ name, status: 'Succeeded' }),
      )
      return [
        { instanceId: 'i-0aaa', status: 'Succeeded', events: ok },
        {
          instanceId: 'i-0bbb',
          status: polls < 2 ? 'InProgress' : 'Failed',
          events: [
            ...ok.slice(0, 4),
            {
              name: 'ValidateService',
              status: polls < 2 ? 'InProgress' : 'Failed',
              diagnostics:
                polls < 2
                  ? undefined
                  : {
                      errorCode: 'ScriptFailed',
                      scriptName: 'hooks/validate-service.sh',
                      message:
                        'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
                      logTail:
                        'checking http://127.0.0.1:3001/healthz\ncurl: (7) Failed to connect to 127.0.0.1 port 3001\nhealth check failed after 10 attempts',
                    },
            },
          ],
        },
      ]
    },
  }
  const r = await runApply(bumped('1.16.0'), services(scripted), rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: onlyDataAndTopics,
  })
  assert.is(r.code, 1)
  const id = real.created[0]
  assert.is(
    r.summary,
    `apply staging: patient-api deployment ${id} Failed; CodeDeploy rolls it back; no deployment started after it`,
  )
  assert.is(published.length, 1)
  const revision = lines.find((l) => l.startsWith('patient-api: 1.15.0-rc.1+'))!.match(/-> (\S+):/)![1]
  assert.is(published[0]!.subject, '[staging] patient-api deployment failed at ValidateService on i-0bbb')
  assert.fixture(
    published[0]!.message,
    [
      `Deployment ${id} of patient-api 1.16.0 to staging failed at ValidateService on i-0bbb.`,
      '',
      `revision: ${revision}`,
      'commit: feed123',
      `started by: ${WHO}`,
      'instances: 1 succeeded, 1 failed, 0 not finished',
      'error: HEALTH_CONSTRAINTS: The overall deployment failed because too many individual instances failed deployment',
      'error code: ScriptFailed',
      'script: hooks/validate-service.sh',
      'message: Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
      '',
      'log tail:',
      '  checking http://127.0.0.1:3001/healthz',
      '  curl: (7) Failed to connect to 127.0.0.1 port 3001',
      '  health check failed after 10 attempts',
      '',
      'CodeDeploy rolls the instances back automatically (DEPLOYMENT_FAILURE).',
      '',
    ].join('\n'),
  )
  assert.ok(lines.includes(`patient-api ${id} i-0bbb ValidateService: Failed`), lines.join('\n'))
  assert.ok(lines.includes(`patient-api ${id} i-0aaa ValidateService: Succeeded`))
  assert.ok(
    lines.some(
      (l) =>
        l.startsWith('patient-api: deployment') &&
        l.includes('alert sent to arn:aws:sns:ap-south-1:123456789012:drsignet-staging-deployments'),
    ),
    lines.join('\n'),
  )
  // The failure is in the audit log, and the deployed state still names the old revision.
  const audit = await readAudit(svc.store, 'staging')
  assert.equal(audit.at(-1)!.result, 'Failed')
  assert.equal((await readState(svc.store, 'staging')).apps['patient-api'], before.apps['patient-api'])
  console.log(lines.join('\n'))
})

test('rollback redeploys the previous bundle; history shows both deployments and the rollback', async () => {
  lines.length = 0
  const deployer = agentStandIn(svc.deployer, moto.endpoint)
  const first = (await readState(svc.store, 'staging')).apps['patient-api']!
  const r = await runApply(bumped('1.16.0'), services(deployer), rt(), {
    artifacts: folderArtifacts(artifacts),
    skipStack: onlyDataAndTopics,
  })
  assert.is(r.code, 0, lines.join('\n'))
  assert.equal(r.deployed, ['patient-api'])
  const second = (await readState(svc.store, 'staging')).apps['patient-api']!
  assert.is.not(second.bundleKey, first.bundleKey)

  const back = await runRollback(bumped('1.16.0'), 'patient-api', services(deployer), rt(), {})
  assert.is(back.code, 0, lines.join('\n'))
  const now = (await readState(svc.store, 'staging')).apps['patient-api']!
  assert.equal([now.revision, now.bundleKey, now.version], [first.revision, first.bundleKey, first.version])
  const history = formatHistory(await readAudit(svc.store, 'staging'), 'patient-api')
  const rows = history
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/\s{2,}/).slice(1, 5))
  assert.equal(rows, [
    ['app', 'action', 'result', 'revision'],
    ['patient-api', 'deploy', 'Succeeded', first.revision],
    ['patient-api', 'deploy', 'Failed', second.revision],
    ['patient-api', 'deploy', 'Succeeded', second.revision],
    ['patient-api', 'rollback', 'Succeeded', first.revision],
  ])
  console.log(history)
})

test("the default artifact source: the release the app's CI published to releases/<app>/<version>.tgz, with its manifest", async () => {
  lines.length = 0
  const tgz = await packEntries([{ path: 'server.js', data: Buffer.from('console.log("1.17.0")\n'), mode: 0o644 }])
  const sha256 = contentHash(tgz)
  await publishRelease(
    svc.store,
    { gz: tgz, sha256, files: 1 },
    {
      app: 'patient-api',
      version: '1.17.0',
      sha256,
      bytes: tgz.length,
      files: 1,
      source: { repository: 'drsignet-patient-api', commit: 'abc1234' },
      build: 'local',
      node: process.version,
      createdAt: new Date().toISOString(),
    },
  )
  const deployer = agentStandIn(svc.deployer, moto.endpoint)
  const r = await runApply(bumped('1.17.0'), services(deployer), rt(), {
    artifacts: storeArtifacts(svc.store),
    skipStack: onlyDataAndTopics,
  })
  assert.is(r.code, 0, lines.join('\n'))
  const key = (await readState(svc.store, 'staging')).apps['patient-api']!.bundleKey
  const entries = await unpackEntries((await svc.store.get(key))!)
  assert.equal(entries.find((e) => e.path === 'app/server.js')?.data.toString(), 'console.log("1.17.0")\n')
  assert.ok(entries.some((e) => e.path === 'appspec.yml') && entries.some((e) => e.path === 'nginx/patient-api.conf'))
  const missing = await runApply(bumped('9.9.9'), services(deployer), rt(), {
    artifacts: storeArtifacts(svc.store),
    skipStack: onlyDataAndTopics,
  }).catch((e) => e)
  assert.is(
    missing.message,
    "no release patient-api 9.9.9: s3://drsignet-staging-artifacts/releases/patient-api/9.9.9.tgz does not exist; publish it with ops release (the app's CI does)",
  )
})

test.run()
