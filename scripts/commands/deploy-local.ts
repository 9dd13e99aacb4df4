// deploy-local: run a revision bundle's lifecycle on a local fleet of namespaced instances (I/O: wires the runner).
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { unpackEntries } from '../lib/bundle/tar.ts'
import { createFleet, destroyFleet, loadFleet } from '../lib/deploy-local/fleet.ts'
import { deployRevision } from '../lib/deploy-local/runner.ts'
import type { Progress } from '../lib/deploy-local/lifecycle.ts'

export const summary = "run a revision bundle's CodeDeploy lifecycle on local instances behind a local load balancer"
const usage = 'npm run ops -- deploy-local BUNDLE [--instances N] [--lb-port P] [--fleet DIR (default: $TMPDIR/drsignet-deploy-local)] | deploy-local --down [--fleet DIR]'

const tail = (file: string, n = 30) => readFileSync(file, 'utf8').split('\n').slice(-n - 1).join('\n')

export const printProgress = (p: Progress) => {
  if (p.status === 'start' && !p.detail) return
  const ms = p.ms === undefined ? '' : ` (${(p.ms / 1000).toFixed(1)} s)`
  console.log(`${p.deploymentId} ${p.instance} ${p.event.padEnd(18)} ${p.status}${ms}${p.detail ? `: ${p.detail}` : ''}`)
}

/** Local stand-in for the instance role: the AWS_* variables the runner was given, passed to every hook. */
const awsEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => /^AWS_(ENDPOINT_URL(_S3)?|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k)) as [string, string][])

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(usage, argv, { instances: { type: 'string' }, 'lb-port': { type: 'string' }, fleet: { type: 'string' }, down: { type: 'boolean' } }, { min: 0, max: 1 })
  if (values.help) { console.log(`usage: ${usage}`); return 0 }
  const dir = (values.fleet as string | undefined) ?? join(tmpdir(), 'drsignet-deploy-local')
  if (values.down) {
    const f = loadFleet(dir)
    if (f) destroyFleet(f)
    console.log(f ? `fleet ${f.id} stopped` : `no fleet in ${dir}`)
    return 0
  }
  const bundle = positionals[0]
  if (!bundle) throw new UsageError(`usage: ${usage}`)
  if (!existsSync(bundle)) { console.error(`${bundle}: no such bundle`); return 1 }
  const count = Number(values.instances ?? 2)
  const lbPort = Number(values['lb-port'] ?? 8080)
  if (!Number.isInteger(count) || count < 1 || count > 8) throw new UsageError(`--instances must be 1..8\nusage: ${usage}`)
  if (!Number.isInteger(lbPort) || lbPort < 1 || lbPort > 65535) throw new UsageError(`--lb-port must be a port\nusage: ${usage}`)
  const hookEnv = (await unpackEntries(readFileSync(bundle))).find((e) => e.path === 'deploy/hook.env')?.data.toString() ?? ''
  const proxyPort = Number(hookEnv.match(/^PROXY_PORT='(\d+)'$/m)?.[1] ?? 0)
  if (!proxyPort) { console.error(`${bundle}: deploy/hook.env has no PROXY_PORT`); return 1 }
  const fleet = loadFleet(dir) ?? createFleet(dir, count, lbPort, proxyPort)
  console.log(`fleet ${fleet.id}: ${fleet.instances.length} instances behind http://127.0.0.1:${fleet.lbPort}`)
  const r = await deployRevision(fleet, bundle, { onProgress: printProgress, passEnv: awsEnv() })
  if (r.ok) { console.log(`${r.deploymentId} succeeded on ${fleet.instances.length} instances`); return 0 }
  const f = r.failure!
  console.error(`${r.deploymentId} failed on ${f.instance} at ${f.event}: ${f.reason}`)
  if (f.log) console.error(`--- last lines of ${f.log}\n${tail(f.log)}`)
  if (r.rollback) console.error(`rollback ${r.rollback.deploymentId} to the last good revision on ${r.rollback.instances.join(', ')}: ${r.rollback.ok ? 'succeeded' : 'FAILED'} in ${(r.rollback.ms / 1000).toFixed(1)} s`)
  else console.error('no earlier revision to roll back to')
  for (const rf of r.rollback?.failures ?? []) console.error(`rollback failed on ${rf.instance} at ${rf.event}: ${rf.reason}${rf.log ? ` (log: ${rf.log})` : ''}`)
  return 1
}
