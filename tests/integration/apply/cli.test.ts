// The pipeline's commands through the CLI against moto: plan as a pull-request comment, apply (a no-op after the deploy),
// history, drift and a refused apply while the lock is held (I/O: moto on loopback, child processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMoto, type Moto } from '../../harness/moto.ts'
import { awsServices } from '../../../scripts/lib/aws/services.ts'
import { runApply } from '../../../scripts/lib/apply/run-apply.ts'
import { folderArtifacts } from '../../../scripts/lib/apply/bundle.ts'
import { acquireLock } from '../../../scripts/lib/apply/lock.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import type { Model } from '../../../scripts/lib/config/model.ts'
import {
  agentStandIn,
  createDeploymentGroups,
  makeArtifacts,
  MOTO_UNSUPPORTED,
  root,
  runOps,
  useMotoEnv,
} from './support.ts'

let moto: Moto
let model: Model
// The sample's certificate is not in moto's ACM, so the load balancer (and monitoring, which imports it) join the stacks moto cannot create here.
const skipped = [...Object.keys(MOTO_UNSUPPORTED), 'load-balancer.yaml', 'monitoring.yaml']
const skipFlags = skipped.flatMap((t) => ['--skip-template', t])

const ops = (args: string[]) => runOps(args, moto.env)

test.before(async () => {
  model = readModel(root, 'staging')
  moto = await startMoto({ account: model.env.account })
  useMotoEnv(moto)
  await createDeploymentGroups(model)
})
test.after(async () => {
  await moto?.stop()
})

test('plan --format markdown from a clean account: the comment a reviewer sees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'))
  // As the buildspec runs it: one plan, the text and the CodeCommit-sized comment.
  const r = await ops([
    'plan',
    'staging',
    '--out',
    join(dir, 'plan.txt'),
    '--markdown',
    join(dir, 'plan.md'),
    '--max-bytes',
    '10000',
    '--commit',
    'abc1234',
    ...skipFlags,
  ])
  assert.is(r.code, 0, r.stderr)
  const md = readFileSync(join(dir, 'plan.md'), 'utf8')
  assert.is(
    md.split('\n')[2],
    '**stacks 13 to create, 0 to update, 0 unchanged, 25 skipped; 0 replacement(s); apps to deploy: backup, admin-portal, doctor-api, patient-api; expected apply: about 18 min**',
  )
  assert.ok(
    Buffer.byteLength(md) <= 10_000 &&
      md.endsWith(
        "_Plan truncated at 10000 bytes: the full plan is build/plan/plan.txt, printed in the build's log._\n",
      ),
  )
  assert.is(
    readFileSync(join(dir, 'plan.txt'), 'utf8').split('\n')[0],
    'plan staging: stacks 13 to create, 0 to update, 0 unchanged, 25 skipped; 0 replacement(s); apps to deploy: backup, admin-portal, doctor-api, patient-api; expected apply: about 18 min',
  )
  console.log(md.slice(0, 3000))
})

test('after the deploy, apply through the CLI does nothing and says so; history and drift read the same state', async () => {
  // The deployment itself needs agents moto does not have (see agentStandIn); the CLI then runs against what it left.
  const svc = awsServices(model, { pollMs: 10, emulator: true })
  const skip = (s: { template: string }) => (skipped.includes(s.template) ? 'moto' : undefined)
  const first = await runApply(
    model,
    { ...svc, deployer: agentStandIn(svc.deployer, moto.endpoint) },
    {
      log: () => {},
      now: () => new Date(),
      pollMs: 10,
      timeoutMs: 10_000,
      who: 'test',
      commit: 'abc1234',
      committedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    },
    { artifacts: folderArtifacts(makeArtifacts(model)), skipStack: skip },
  )
  assert.is(first.code, 0, first.summary)

  const again = await ops(['apply', 'staging', '--commit', 'abc1234', ...skipFlags])
  assert.is(again.code, 0, again.stderr)
  assert.is(
    again.stdout,
    'apply staging: nothing to do: every stack is up to date and every app runs its desired revision (stacks: 0 created, 0 updated, 13 unchanged, 25 skipped)\n',
  )
  assert.ok(again.stderr.includes('lock: acquired s3://drsignet-staging-artifacts/locks/staging.json\n'), again.stderr)

  const history = await ops(['history', 'staging', 'patient-api'])
  assert.is(history.code, 0, history.stderr)
  assert.is(history.stdout.trimEnd().split('\n').length, 2)
  assert.match(history.stdout.split('\n')[1]!, /patient-api {2}deploy {2}Succeeded {2}1\.15\.0-rc\.1\+[0-9a-f]{12}/)

  // The DORA keys from that audit log: four good deploys, commits two hours old, nothing failed.
  const metrics = await ops(['metrics', 'staging', '--since', '7', '--format', 'json'])
  assert.is(metrics.code, 0, metrics.stderr)
  const all = (
    JSON.parse(metrics.stdout) as {
      metrics: {
        scope: string
        deployments: number
        leadTimeHours?: number
        changeFailureRate?: number
        incidents: number
      }[]
    }
  ).metrics
  assert.equal(
    all.map((m) => [m.scope, m.deployments, m.changeFailureRate, m.incidents]),
    [
      ['admin-portal', 1, 0, 0],
      ['backup', 1, 0, 0],
      ['doctor-api', 1, 0, 0],
      ['patient-api', 1, 0, 0],
      ['all', 4, 0, 0],
    ],
  )
  assert.ok(
    all.every((m) => m.leadTimeHours! > 1.9 && m.leadTimeHours! < 2.2),
    metrics.stdout,
  )
  const text = await ops(['metrics', 'staging'])
  assert.match(text.stdout, /^delivery of staging over the last 30 days \(DORA keys, from the audit log\)\napp /)

  const drift = await ops(['drift', 'staging', ...skipFlags])
  assert.is(drift.code, 0, drift.stdout + drift.stderr)
  assert.ok(drift.stdout.includes('stack drsignet-staging-data: drift detection unavailable'), drift.stdout)
  // One line per stack, whatever the SDK's own message looks like.
  const stray = drift.stdout.split('\n').filter((l) => l && !/^(stack \S+: |app \S+: |  \S|drift staging: )/.test(l))
  assert.equal(stray, [], drift.stdout)
  assert.ok(drift.stdout.endsWith('drift staging: none\n'), drift.stdout)
})

test('apply through the CLI is refused while another apply holds the lock', async () => {
  const svc = awsServices(model)
  const held = await acquireLock(svc.lock, {
    holder: 'pipeline-run-7',
    commit: 'fff999',
    ttlSeconds: 3600,
    now: new Date(),
    log: () => {},
  })
  const r = await ops(['apply', 'staging', ...skipFlags])
  await held.release()
  assert.is(r.code, 1)
  assert.match(
    r.stderr,
    /^lock: another apply holds s3:\/\/drsignet-staging-artifacts\/locks\/staging\.json: pipeline-run-7 \(commit fff999\) since \S+, \d+ s ago\. Wait for it to finish/m,
  )
})

test.run()
