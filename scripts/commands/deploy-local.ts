// deploy-local: run a revision bundle through the real CodeDeploy agent on a local fleet of booted instances
// behind a local load balancer (I/O: wires the runner).
import { existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { addTargetGroup, createFleet, destroyFleet, loadFleet, targetOf } from '../lib/deploy-local/fleet.ts'
import { freeLoopbackPort } from '../lib/deploy-local/free-port.ts'
import { AGENT_VERSION } from '../lib/deploy-local/instance.ts'
import { bundleMeta, deployRevision, type Failure } from '../lib/deploy-local/runner.ts'
import type { Progress } from '../lib/deploy-local/lifecycle.ts'

export const summary =
  'run a revision bundle through the CodeDeploy agent on local instances behind a local load balancer'
const usage =
  'npm run ops -- deploy-local BUNDLE [--instances N] [--lb-port P] [--fleet DIR (default: $TMPDIR/drsignet-deploy-local)] | deploy-local --down [--fleet DIR]'

export const printProgress = (p: Progress) => {
  if (p.status === 'start' && !p.detail) return
  const ms = p.ms === undefined ? '' : ` (${(p.ms / 1000).toFixed(1)} s)`
  console.log(
    `${p.deploymentId} ${p.instance} ${p.event.padEnd(18)} ${p.status}${ms}${p.detail ? `: ${p.detail}` : ''}`,
  )
}

/** Local stand-in for the instance role: the AWS_* variables the runner was given, passed to the agent. */
const awsEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) =>
      /^AWS_(ENDPOINT_URL(_S3)?|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k),
    ) as [string, string][],
  )

const printFailure = (prefix: string, f: Failure) => {
  console.error(`${prefix} on ${f.instance} at ${f.event}: ${f.reason}`)
  if (f.tail) console.error(`--- ${f.event} in ${f.log}\n${f.tail}`)
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      instances: { type: 'string' },
      'lb-port': { type: 'string' },
      fleet: { type: 'string' },
      down: { type: 'boolean' },
    },
    { min: 0, max: 1 },
  )
  if (values.help) {
    console.log(`usage: ${usage}`)
    return 0
  }
  const dir = (values.fleet as string | undefined) ?? join(tmpdir(), 'drsignet-deploy-local')
  if (values.down) {
    const f = loadFleet(dir)
    if (f) destroyFleet(f)
    console.log(f ? `fleet ${f.id} stopped` : `no fleet in ${dir}`)
    return 0
  }
  const bundle = positionals[0]
  if (!bundle) throw new UsageError(`usage: ${usage}`)
  if (!existsSync(bundle) || !statSync(bundle).isFile()) {
    console.error(`${bundle}: no such bundle file (a revision .tar.gz)`)
    return 1
  }
  const count = Number(values.instances ?? 2)
  const lbPort = Number(values['lb-port'] ?? 8080)
  if (!Number.isInteger(count) || count < 1 || count > 8)
    throw new UsageError(`--instances must be 1..8\nusage: ${usage}`)
  if (!Number.isInteger(lbPort) || lbPort < 1 || lbPort > 65535)
    throw new UsageError(`--lb-port must be a port\nusage: ${usage}`)
  // An app behind the load balancer names its port; the backup tool's database group has no load balancer.
  const meta = await bundleMeta(bundle)
  const listener = (port: number) =>
    meta.proxyPort ? [{ app: meta.app, proxyPort: meta.proxyPort, lbPort: port }] : []
  let fleet = loadFleet(dir)
  if (!fleet) {
    console.log(`booting ${count} instances (systemd, nginx, the CodeDeploy agent ${AGENT_VERSION})...`)
    fleet = await createFleet(dir, count, listener(lbPort))
  } else if (meta.proxyPort && !targetOf(fleet, meta.proxyPort)) {
    // The app's first deployment here: its own target group, on --lb-port or a free port.
    const [target] = listener(values['lb-port'] !== undefined ? lbPort : await freeLoopbackPort())
    await addTargetGroup(fleet, target!)
  }
  console.log(`fleet ${fleet.id}: ${fleet.instances.length} instances`)
  for (const t of fleet.targets)
    console.log(`  ${t.app ?? `port ${t.proxyPort}`}: http://127.0.0.1:${t.lbPort} (nginx port ${t.proxyPort})`)
  const r = await deployRevision(fleet, bundle, { onProgress: printProgress, passEnv: awsEnv() })
  if (r.ok) {
    console.log(`${r.deploymentId} succeeded on ${fleet.instances.length} instances`)
    return 0
  }
  printFailure(`${r.deploymentId} failed`, r.failure!)
  if (r.rollback)
    console.error(
      `rollback ${r.rollback.deploymentId} to the last good revision on ${r.rollback.instances.join(', ')}: ${r.rollback.ok ? 'succeeded' : 'FAILED'} in ${(r.rollback.ms / 1000).toFixed(1)} s`,
    )
  else console.error('no earlier revision to roll back to')
  for (const rf of r.rollback?.failures ?? []) printFailure('rollback failed', rf)
  return 1
}
