// Shared setup for the apply suites against moto: the staging model with a moto certificate, the stacks moto cannot create,
// the CodeDeploy application and groups those stacks would make, a tiny artifact per app, and agent stand-ins (I/O: moto, temp files).
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { motoCertificate } from '../../../scripts/lib/sandbox/moto.ts'
import type { Model } from '../../../scripts/lib/config/model.ts'
import type { Deployer, DeploymentState } from '../../../scripts/lib/aws/deployer.ts'
import type { Moto } from '../../harness/moto.ts'

export const root = new URL('../../../', import.meta.url).pathname

export type CliRun = { code: number; stdout: string; stderr: string }

/** `ops ARGS` as a user runs it, from this checkout, with `env` over this process's environment. */
export function runOps(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/ops.ts', ...args],
      { cwd: root, env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' }, maxBuffer: 16 << 20 },
      (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

export { createDeploymentGroups, MOTO_UNSUPPORTED, motoSkip } from '../../../scripts/lib/sandbox/moto.ts'

export function useMotoEnv(moto: Moto) {
  Object.assign(process.env, moto.env)
}

export async function stagingModel(moto: Moto): Promise<Model> {
  const m = readModel(root, 'staging')
  return {
    env: {
      ...m.env,
      loadBalancer: {
        ...m.env.loadBalancer,
        certificateArn: await motoCertificate(moto.endpoint, 'admin.staging.drsignet.com'),
      },
    },
    apps: m.apps,
  }
}

/** A tiny build output per app version: DIR/<app>/<version>/server.js. */
export function makeArtifacts(model: Model, versions: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'apply-artifacts-'))
  for (const app of model.apps) {
    for (const version of [app.version, ...(versions[app.name] ? [versions[app.name]!] : [])]) {
      mkdirSync(join(dir, app.name, version), { recursive: true })
      writeFileSync(
        join(dir, app.name, version, 'server.js'),
        `console.log(${JSON.stringify(`${app.name} ${version}`)})\n`,
      )
    }
  }
  return dir
}

/**
 * A deployment as moto stores it, read with the raw JSON protocol: moto writes createTime as an ISO string where the
 * SDK expects epoch seconds, so the SDK's GetDeployment cannot parse moto's answer.
 */
export async function motoDeployment(endpoint: string, id: string): Promise<Record<string, any>> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'CodeDeploy_20141006.GetDeployment',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/ap-south-1/codedeploy/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ deploymentId: id }),
  })
  if (!res.ok) throw new Error(`moto GetDeployment ${id}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { deploymentInfo: Record<string, any> }).deploymentInfo
}

/**
 * moto's CodeDeploy records deployments but has no agents: their status stays "Created", it has no deployment targets,
 * and the SDK cannot parse its GetDeployment. The tests play the agents at exactly that step: the deployment must exist in
 * moto, and is then reported as the agents would finish it (Succeeded unless `outcome` scripts something else).
 */
export function agentStandIn(
  real: Deployer,
  endpoint: string,
  outcome: (id: string, n: number) => DeploymentState | undefined = () => undefined,
): Deployer & { created: string[] } {
  const created: string[] = []
  return {
    created,
    register: (a, b, d) => real.register(a, b, d),
    async create(r) {
      const id = await real.create(r)
      created.push(id)
      return id
    },
    async get(id) {
      const stored = await motoDeployment(endpoint, id)
      if (stored.status !== 'Created') throw new Error(`moto deployment ${id} is ${stored.status}`)
      return (
        outcome(id, created.indexOf(id)) ?? {
          id,
          status: 'Succeeded',
          overview: { Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, Skipped: 0 },
        }
      )
    },
    instances: (id) => real.instances(id),
  }
}

/** Records the name of every CloudFormation call the client sends from now on (e.g. 'DescribeStacks'). */
export function recordCalls(client: {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void }
}): string[] {
  const calls: string[] = []
  const mw = (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (args: unknown) => (
    calls.push((ctx.commandName ?? '?').replace(/Command$/, '')),
    next(args)
  )
  client.middlewareStack.add(mw as never, { step: 'initialize', name: `recordCalls${Math.random()}` })
  return calls
}
