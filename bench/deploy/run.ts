// Benchmark of deploys under load on a local 2-instance fleet, every revision run by the real CodeDeploy agent:
// failed requests and p99 during a deploy vs steady state and vs a naive pm2 restart without traffic blocking, and
// the time of an automatic rollback; then instances coming and going under the same load (an impaired instance
// replaced, scale out and in, an instance refresh), each new one given the app before it takes a request.
// Run: npx tsx bench/deploy/run.ts   (I/O: moto, nginx and booted instances (systemd, pm2, Node apps); all stopped at the end)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFleet, destroyFleet, type Fleet } from '../../scripts/lib/deploy-local/fleet.ts'
import { instanceExec } from '../../scripts/lib/deploy-local/instance.ts'
import { deployRevision } from '../../scripts/lib/deploy-local/runner.ts'
import { refreshInstances, replaceInstance, scaleTo, type Launch } from '../../scripts/lib/deploy-local/scaling.ts'
import { freePort } from '../../tests/harness/ports.ts'
import { startMoto } from '../../tests/harness/moto.ts'
import { fixtureModel } from '../../tests/fixtures/model.ts'
import {
  explain,
  makeBundle,
  percentile,
  putSecret,
  startLoad,
  testApp,
  type LoadStats,
} from '../../tests/integration/deploy/support.ts'

const CONCURRENCY = 4
const STEADY_MS = 8000
const work = mkdtempSync(join(tmpdir(), 'bench-deploy-'))
const bundles = join(work, 'bundles')
const moto = await startMoto()
let fleet: Fleet | undefined

type Row = { phase: string; seconds: number; sent: number; failed: number; rps: number; p50: number; p99: number }
const rows: Row[] = []
const record = (phase: string, s: LoadStats, ms: number) =>
  rows.push({
    phase,
    seconds: ms / 1000,
    sent: s.sent,
    failed: s.failed,
    rps: s.sent / (ms / 1000),
    p50: percentile(s.latencies, 50),
    p99: percentile(s.latencies, 99),
  })

async function measure(phase: string, action: () => Promise<unknown>) {
  const load = startLoad(fleet!.targets[0]!.lbPort, CONCURRENCY, 120_000)
  const t0 = Date.now()
  await action()
  const stats = await load.stop()
  record(phase, stats, Date.now() - t0)
}

try {
  const v1 = testApp('1.0.0')
  await putSecret(moto.endpoint, fixtureModel([v1]), v1, 'DB_PASSWORD=bench\n')
  fleet = await createFleet(join(work, 'fleet'), 2, [{ proxyPort: 8081, lbPort: await freePort() }])
  const opts = { passEnv: moto.env }
  const first = await deployRevision(fleet, await makeBundle(bundles, v1), opts)
  if (!first.ok) throw new Error(explain(first))

  await measure('warm-up (not reported)', () => new Promise((r) => setTimeout(r, 2000)))
  rows.pop()
  await measure('steady state', () => new Promise((r) => setTimeout(r, STEADY_MS)))
  let deploy
  await measure('deploy-local (block, drain, deploy, validate, allow)', async () => {
    deploy = await deployRevision(fleet!, await makeBundle(bundles, testApp('2.0.0')), opts)
  })
  if (!deploy!.ok) throw new Error(explain(deploy!))
  // The naive ways: act on pm2 on every instance while the load balancer still sends it traffic.
  // As an operator on the instance would: pm2 as the app user, against the app's own pm2 daemon.
  const pm2At = (i: Fleet['instances'][number], args: string[]) => {
    const r = instanceExec(i, ['runuser', '-u', v1.user, '--', 'pm2', ...args], {
      env: { PM2_HOME: '/var/lib/drsignet/patient-api/pm2' },
    })
    if (r.exitCode !== 0) throw new Error(`pm2 ${args.join(' ')} on ${i.name}: ${r.stderr}`)
  }
  const eco = '/opt/drsignet/patient-api/current/deploy/ecosystem.config.cjs'
  await measure('naive pm2 restart, no traffic blocking', async () => {
    await new Promise((r) => setTimeout(r, 500))
    for (const i of fleet!.instances) pm2At(i, ['restart', 'patient-api'])
    await new Promise((r) => setTimeout(r, 2000))
  })
  await measure('naive pm2 stop, copy (1 s), start, no blocking', async () => {
    await new Promise((r) => setTimeout(r, 500))
    for (const i of fleet!.instances) {
      pm2At(i, ['delete', 'patient-api'])
      await new Promise((r) => setTimeout(r, 1000))
      pm2At(i, ['start', eco])
    }
    await new Promise((r) => setTimeout(r, 2000))
  })
  // Fork mode (one process per instance) has no cluster master to hold the socket during a restart.
  const fork = testApp('2.1.0', { pm2: { ...testApp('2.1.0').pm2, instances: 1 } })
  let forkDeploy
  await measure('deploy-local to fork mode (pm2 instances: 1)', async () => {
    forkDeploy = await deployRevision(fleet!, await makeBundle(bundles, fork), opts)
  })
  if (!forkDeploy!.ok) throw new Error(explain(forkDeploy!))
  await measure('naive pm2 restart in fork mode, no blocking', async () => {
    await new Promise((r) => setTimeout(r, 500))
    for (const i of fleet!.instances) pm2At(i, ['restart', 'patient-api'])
    await new Promise((r) => setTimeout(r, 2000))
  })
  let failed
  await measure('failed deploy + automatic rollback', async () => {
    failed = await deployRevision(fleet!, await makeBundle(bundles, testApp('3.0.0'), { variant: 'unhealthy' }), opts)
  })
  const rollbackS = (failed!.rollback?.ms ?? NaN) / 1000
  // Instances come and go: what the Auto Scaling group and CodeDeploy's launch hooks do (scaling.ts).
  const launches: Launch[] = []
  const fleetOps: [string, () => Promise<Launch[]>][] = [
    [
      'replace an impaired instance (launch first)',
      async () => [await replaceInstance(fleet!, fleet!.instances[0]!, opts)],
    ],
    ['scale out 2 → 3', () => scaleTo(fleet!, 3, opts)],
    ['scale in 3 → 2 (drain, terminate)', () => scaleTo(fleet!, 2, opts)],
    ['instance refresh, one at a time', () => refreshInstances(fleet!, opts)],
  ]
  for (const [phase, act] of fleetOps) await measure(phase, async () => launches.push(...(await act())))

  const fmt = (n: number, d = 1) => n.toFixed(d)
  console.log(
    `\nbench/deploy: ${CONCURRENCY} concurrent clients, a new connection per request, 2 instances, pm2 cluster x2 each\n`,
  )
  console.log('phase'.padEnd(56) + 'secs   sent  failed     rps   p50 ms   p99 ms')
  for (const r of rows)
    console.log(
      `${r.phase.padEnd(56)}${fmt(r.seconds).padStart(4)} ${String(r.sent).padStart(6)} ${String(r.failed).padStart(7)} ${fmt(r.rps, 0).padStart(7)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)}`,
    )
  const [steady, dep, restart, naive, forkDep, forkRestart] = rows
  const pct = (r: Row) => `${fmt((100 * r.failed) / Math.max(1, r.sent), 2)} %`
  console.log(
    `\np99 during deploy / steady state: ${fmt(dep.p99 / steady.p99, 2)}x; p99 naive stop-start / steady: ${fmt(naive.p99 / steady.p99, 2)}x`,
  )
  console.log(
    `failed requests: deploy-local ${dep.failed} (${pct(dep)}) vs naive pm2 restart ${restart.failed} (${pct(restart)}) vs naive stop-start ${naive.failed} (${pct(naive)})`,
  )
  console.log(
    `fork mode: deploy-local ${forkDep.failed} (${pct(forkDep)}) vs naive pm2 restart ${forkRestart.failed} (${pct(forkRestart)}); p99 ${fmt(forkDep.p99)} vs ${fmt(forkRestart.p99)} ms`,
  )
  console.log(
    `note: in cluster mode pm2's master holds the listening socket, so a plain \`pm2 restart\` queues connections instead of refusing them`,
  )
  console.log(
    `rollback: from the failed ValidateService to the old version on every changed instance: ${fmt(rollbackS)} s (target <= 30 s): ${rollbackS <= 30 ? 'met' : 'MISSED'}`,
  )
  console.log(`zero failed requests during deploy: ${dep.failed + forkDep.failed === 0 ? 'met' : 'MISSED'}`)
  const scaling = rows.slice(-fleetOps.length)
  const inService = launches.map((l) => l.inServiceMs / 1000)
  console.log(
    `instances come and go: ${launches.length} launches, launch to in service median ${fmt(percentile(inService, 50))} s (boot ${fmt(
      percentile(
        launches.map((l) => l.bootMs / 1000),
        50,
      ),
    )} s); failed requests ${scaling.reduce((n, r) => n + r.failed, 0)}: ${scaling.every((r) => r.failed === 0) ? 'met' : 'MISSED'}`,
  )
} finally {
  if (fleet) destroyFleet(fleet)
  await moto.stop()
  rmSync(work, { recursive: true, force: true })
}
