// Benchmark: today's pipeline (apply at --baseline, checked out into a temporary worktree) against this checkout's, on
// the same stand-in: moto on loopback, every CloudFormation and CodeDeploy call delayed by the services' own latency
// (scripts/lib/plan/apply-duration.ts, the model plan's estimate uses) on a scaled clock. Five scenarios, each on both paths; prints simulated wall time, calls by kind, ratios.
// Usage: npm run bench:pipeline -- [--baseline 238721b] [--scale 100]   (I/O: moto, git worktree, temp dirs)
//
// Simulated time: each scenario runs twice on fresh moto, with the latency (A, real seconds) and without it (B, the
// real overhead: moto, bundles, S3). Simulated = (A - B) x scale + B, so only the modelled latency is scaled up.
// moto's CloudFormation cannot create 17 of staging's 28 stacks (CodeDeploy groups, alarms, Config, CodeCommit...);
// both paths skip those, so the figures cover the 11 stacks and four deployment groups moto has.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Model } from '../../scripts/lib/config/model.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { awsClients } from '../../scripts/lib/aws/clients.ts'
import { stackSpecs } from '../../scripts/lib/apply/stacks.ts'
import { criticalPath, stackDependencies } from '../../scripts/lib/apply/stack-graph.ts'
import { startMoto } from '../../tests/harness/moto.ts'
import {
  agentStandIn,
  createDeploymentGroups,
  makeArtifacts,
  motoSkip,
  root,
  stagingModel,
  useMotoEnv,
} from '../../tests/integration/apply/support.ts'
import { addLatency } from './latency.ts'
import {
  API_CALL_S,
  CHANGE_SET_S,
  createSeconds,
  deploymentSeconds,
  expectedApplySeconds,
  slowestLaneSeconds,
  updateSeconds,
} from '../../scripts/lib/plan/apply-duration.ts'

const { values } = parseArgs({
  options: { baseline: { type: 'string', default: '238721b' }, scale: { type: 'string', default: '100' } },
})
const SCALE = Number(values.scale)
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`)

/** Each scenario changes the desired state left by the one before it. */
type Scenario = { name: string; change: (m: Model) => Model }
const bump =
  (names: string[]) =>
  (m: Model): Model => ({
    env: m.env,
    apps: m.apps.map((a) => (names.includes(a.name) ? { ...a, version: `${a.version}-next` } : a)),
  })
const SCENARIOS: Scenario[] = [
  { name: '(d) first create', change: (m) => m },
  { name: '(b) nothing changed', change: (m) => m },
  { name: '(a) one version bump', change: bump(['patient-api']) },
  { name: '(e) three apps bumped', change: bump(['patient-api', 'doctor-api', 'admin-portal']) },
  // moto cannot create alarm stacks, so one parameter of the data stack (its retention) stands in for a threshold.
  // Last: moto leaves a stack's tags as they were when a change set executes (AWS moves them with the update), so
  // the data stack's fingerprint tag stays stale after this one and any scenario after it would plan that stack again.
  {
    name: '(c) one parameter',
    change: (m) => ({
      env: { ...m.env, backup: { ...m.env.backup, retentionDays: m.env.backup.retentionDays + 1 } },
      apps: m.apps,
    }),
  },
]
const at = (label: string) => SCENARIOS.findIndex((s) => s.name.startsWith(label))

type Code = { runApply: Function; awsServices: Function; folderArtifacts: Function }
type Measured = { seconds: number; cfn: Map<string, number>; codedeploy: Map<string, number>; code: number }

/** One path (today's code or ours) through every scenario on a fresh moto; `scale` 0 measures the overhead alone. */
async function runPath(code: Code, scale: number): Promise<Measured[]> {
  const moto = await startMoto()
  useMotoEnv(moto)
  try {
    let model = await stagingModel(moto)
    await createDeploymentGroups(model)
    const out: Measured[] = []
    for (const s of SCENARIOS) {
      model = s.change(model)
      const artifacts = makeArtifacts(model)
      const clients = awsClients(model.env.region)
      const templateOf = new Map(stackSpecs(model).map((sp) => [sp.stack, sp.template]))
      const created = new Set<string>()
      const cfn = new Map<string, number>()
      const codedeploy = new Map<string, number>()
      addLatency(
        clients.cfn,
        scale,
        (command, input) => {
          const template = templateOf.get(String(input.StackName)) ?? ''
          if (command === 'CreateChangeSet') return CHANGE_SET_S
          if (command === 'CreateStack') return (created.add(String(input.StackName)), createSeconds(template))
          if (command === 'ExecuteChangeSet')
            return created.has(String(input.StackName))
              ? updateSeconds(template)
              : (created.add(String(input.StackName)), createSeconds(template))
          return API_CALL_S
        },
        cfn,
      )
      const m = model
      addLatency(
        clients.codedeploy,
        scale,
        (command, input) =>
          command === 'CreateDeployment' ? deploymentSeconds(m, String(input.deploymentGroupName)) : API_CALL_S,
        codedeploy,
      )
      // Stacks that exist already take the update time; read once, outside the measured run.
      for (const sp of (await clients.cfn.send(new DescribeStacksCommand({}))).Stacks ?? []) created.add(sp.StackName!)
      cfn.clear()
      // `emulator` is today's name; older code (a baseline checkout) called it createWithCreateStack.
      const svc = code.awsServices(model, { pollMs: 10, emulator: true, createWithCreateStack: true, clients })
      const rt = {
        log: () => {},
        now: () => new Date(),
        pollMs: 10,
        timeoutMs: 60_000,
        who: 'bench',
        commit: 'bench000',
      }
      const t0 = process.hrtime.bigint()
      const r = await code.runApply(model, { ...svc, deployer: agentStandIn(svc.deployer, moto.endpoint) }, rt, {
        artifacts: code.folderArtifacts(artifacts),
        skipStack: motoSkip,
      })
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9
      rmSync(artifacts, { recursive: true, force: true })
      if (r.code !== 0) throw new Error(`${s.name}: apply failed: ${r.summary}`)
      out.push({ seconds, cfn, codedeploy, code: r.code })
    }
    return out
  } finally {
    await moto.stop()
  }
}

async function load(dir: string): Promise<Code> {
  const [a, s, b] = await Promise.all([
    import(join(dir, 'scripts/lib/apply/run-apply.ts')),
    import(join(dir, 'scripts/lib/aws/services.ts')),
    import(join(dir, 'scripts/lib/apply/bundle.ts')),
  ])
  return { runApply: a.runApply, awsServices: s.awsServices, folderArtifacts: b.folderArtifacts }
}

const worktree = mkdtempSync(join(tmpdir(), 'bench-today-'))
try {
  execFileSync('git', ['worktree', 'add', '--detach', '--force', worktree, values.baseline!], {
    cwd: root,
    stdio: 'ignore',
  })
  symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'))
  const today = await load(worktree)
  const ours = await load(root)
  const result: Record<string, { sim: number[]; calls: Measured[] }> = {}
  for (const [name, code] of [
    ['today', today],
    ['new', ours],
  ] as const) {
    log(`${name}: with latency (scale ${SCALE})`)
    const withLatency = await runPath(code, SCALE)
    log(`${name}: without latency (the real overhead)`)
    const overhead = await runPath(code, 0)
    result[name] = {
      sim: withLatency.map((m, i) => Math.max(0, m.seconds - overhead[i]!.seconds) * SCALE + overhead[i]!.seconds),
      calls: withLatency,
    }
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  const kinds = (m: Map<string, number>) =>
    [...m]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none'
  console.log(`bench:pipeline: simulated seconds on moto with AWS latency (scale ${SCALE}); today = ${values.baseline}`)
  SCENARIOS.forEach((s, i) => {
    const [t, n] = [result.today!, result.new!]
    console.log(
      `  ${s.name}: new ${n.sim[i]!.toFixed(0)} s, today ${t.sim[i]!.toFixed(0)} s (new/today ${(n.sim[i]! / t.sim[i]!).toFixed(2)})`,
    )
    console.log(
      `    CloudFormation calls: new ${sum(n.calls[i]!.cfn)} (${kinds(n.calls[i]!.cfn)}); today ${sum(t.calls[i]!.cfn)} (${kinds(t.calls[i]!.cfn)})`,
    )
    console.log(`    CodeDeploy calls: new ${sum(n.calls[i]!.codedeploy)}; today ${sum(t.calls[i]!.codedeploy)}`)
  })
  // Lower bounds from the same latency model. The first create: the longest chain of stacks (each a change set and
  // its creation), then the backup tool's deployment, then the slowest instance group's deployments one after another.
  const staging = readModel(root, 'staging')
  const kept = stackSpecs(staging).filter((s) => !motoSkip(s))
  const path = criticalPath(
    stackDependencies(kept),
    (stack) => CHANGE_SET_S + createSeconds(kept.find((s) => s.stack === stack)!.template),
  )
  const allApps = staging.apps.map((a) => a.name)
  const firstBound = expectedApplySeconds(staging, kept, () => 'create', allApps, true)
  const bumpBound = slowestLaneSeconds(staging, ['patient-api', 'doctor-api', 'admin-portal'])
  const n = result.new!
  const [A, B, C, D, E] = ['(a)', '(b)', '(c)', '(d)', '(e)'].map(at)
  const changeSets = (i: number) => n.calls[i]!.cfn.get('CreateChangeSet') ?? 0
  const cfnCalls = (i: number) => sum(n.calls[i]!.cfn)
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
  console.log('targets')
  console.log(
    `  (a) version bump: ${changeSets(A)} change sets, ${cfnCalls(A)} CloudFormation calls (0 and ≤ 2: ${verdict(changeSets(A) === 0 && cfnCalls(A) <= 2)})`,
  )
  console.log(
    `  (b) no-op: ${cfnCalls(B)} calls, ${n.sim[B]!.toFixed(1)} s (≤ 2 and < 5 s: ${verdict(cfnCalls(B) <= 2 && n.sim[B]! < 5)})`,
  )
  console.log(`  (c) one parameter: ${changeSets(C)} change set (exactly 1: ${verdict(changeSets(C) === 1)})`)
  console.log(
    `  (d) first create: ${n.sim[D]!.toFixed(0)} s against a critical path of ${firstBound.toFixed(0)} s (stacks ${path.stacks.map((s) => s.replace(/^drsignet-staging-/, '')).join(' → ')} ${path.cost.toFixed(0)} s, then the backup tool and the slowest group's apps): ${(n.sim[D]! / firstBound).toFixed(2)}× (≤ 1.2×: ${verdict(n.sim[D]! <= 1.2 * firstBound)})`,
  )
  console.log(
    `  (e) three apps: ${n.sim[E]!.toFixed(0)} s against the slowest group's deploys one after another, ${bumpBound.toFixed(0)} s: ${(n.sim[E]! / bumpBound).toFixed(2)}× (≤ 1.1×: ${verdict(n.sim[E]! <= 1.1 * bumpBound)})`,
  )
  console.log(
    `bench:pipeline: version bump ${changeSets(A)} change sets, ${n.sim[A]!.toFixed(0)} s (today ${result.today!.sim[A]!.toFixed(0)} s); no-op ${cfnCalls(B)} calls, ${n.sim[B]!.toFixed(0)} s; first create ${n.sim[D]!.toFixed(0)} s vs critical path ${firstBound.toFixed(0)} s`,
  )
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: root, stdio: 'ignore' })
  rmSync(worktree, { recursive: true, force: true })
}
