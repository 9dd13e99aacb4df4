// A local fleet for deploy-local: booted instances (instance.ts) behind a loopback nginx load balancer with one
// listener per app, each blocking and allowing instances like that app's ALB target group; fleet.json keeps it
// across runs (I/O).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { InputError } from '../cli/errors.ts'
import {
  bootInstance,
  killInstance,
  killInstanceAsync,
  missingPrerequisites,
  removeNetwork,
  type Instance,
} from './instance.ts'
import { childPids } from './proc.ts'
import { quiet, quietTry } from '../shell.ts'

export type { Instance } from './instance.ts'

/**
 * One app's target group: the load balancer's listener on lbPort sends to proxyPort (the app's nginx port) of
 * the allowed instances. A deployment of the app blocks and allows its instances here and nowhere else, as
 * CodeDeploy does with the target group of the app's deployment group.
 */
export type TargetGroup = { app?: string; proxyPort: number; lbPort: number; allowed: string[] }

export type Fleet = {
  dir: string
  id: string
  targets: TargetGroup[] // none: no load balancer (the database group)
  instances: Instance[]
  // Per app, the last revision deployed to every instance (a copy in the fleet folder): what a rollback redeploys and
  // what a launched instance gets. A fleet kept from before apps were told apart holds one path.
  lastGood?: Record<string, string> | string
  deployments: number
  launched?: number // instances ever launched: a new one never takes a terminated one's name, disk or network
}

const stateFile = (dir: string) => join(dir, 'fleet.json')
/** Bundles, mounted read-only into every instance where the agent finds them. */
export const revisionsDir = (f: Fleet) => join(f.dir, 'revisions')

export function saveFleet(f: Fleet) {
  writeFileSync(`${stateFile(f.dir)}.tmp`, `${JSON.stringify(f, null, 2)}\n`)
  renameSync(`${stateFile(f.dir)}.tmp`, stateFile(f.dir))
}

type SavedBeforeTargets = { lbPort?: number; proxyPort?: number; allowed?: string[] }

/** The fleet saved in dir; one saved with a single load balancer (lbPort, proxyPort) gets it as its one target. */
export function loadFleet(dir: string): Fleet | undefined {
  if (!existsSync(stateFile(dir))) return undefined
  const { lbPort, proxyPort, allowed, ...f } = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as Fleet &
    SavedBeforeTargets
  if (f.targets) return f
  return { ...f, targets: proxyPort && lbPort ? [{ proxyPort, lbPort, allowed: allowed ?? [] }] : [] }
}

/** The target group of the app whose nginx listens on proxyPort, if the load balancer has one. */
export const targetOf = (f: Fleet, proxyPort: number | undefined) => f.targets.find((t) => t.proxyPort === proxyPort)

/**
 * The load balancer, one listener per target group: no retries to another target, so a request sent to a stopped
 * instance would fail visibly; a target group with no instance in service answers 503, as an ALB does.
 */
export function lbNginxConf(f: Fleet): string {
  const listeners = f.targets.map((t) => {
    const members = f.instances.filter((i) => t.allowed.includes(i.name))
    const name = `port${t.proxyPort}`
    const upstream = members.length
      ? `    upstream ${name} {\n${members.map((i) => `        server ${i.nsIp}:${t.proxyPort};`).join('\n')}\n    }\n`
      : ''
    const location = members.length
      ? `proxy_pass http://${name};\n            proxy_next_upstream off;\n            proxy_set_header Host $host;`
      : 'return 503;'
    return `${upstream}    server {
        listen 127.0.0.1:${t.lbPort};${t.app ? ` # ${t.app}` : ''}
        location / {
            ${location}
        }
    }
`
  })
  return `# deploy-local load balancer for fleet ${f.id}
worker_processes 1;
pid ${f.dir}/lb/nginx.pid;
error_log ${f.dir}/lb/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${f.dir}/lb/tmp;
    proxy_temp_path ${f.dir}/lb/tmp;
${listeners.join('')}}
`
}

const lbConfPath = (f: Fleet) => join(f.dir, 'lb/nginx.conf')

function newInstance(f: Fleet, n: number, net: [number, number]): Instance {
  return {
    name: `i${n}`,
    dir: join(f.dir, 'instances', `i${n}`),
    netns: `dl-${f.id}-${n}`,
    hostIf: `dl${f.id}h${n}`,
    nsIf: `dl${f.id}n${n}`,
    hostIp: `10.${net[0]}.${net[1]}.${4 * n + 1}`,
    nsIp: `10.${net[0]}.${net[1]}.${4 * n + 2}`,
    cgroup: `deploy-local-${f.id}-i${n}`,
  }
}

/** The fleet's /24, from its id: 10.200-249.x.0, which exists only inside our namespaces. */
const fleetNet = (id: string): [number, number] => [
  200 + (parseInt(id.slice(0, 2), 16) % 50),
  parseInt(id.slice(2, 4), 16),
]

/** `targets`: the load balancer's listeners to start with; every instance booted here is in service in each. */
export async function createFleet(
  dirIn: string,
  count: number,
  targets: Omit<TargetGroup, 'allowed'>[],
): Promise<Fleet> {
  const missing = missingPrerequisites()
  if (missing.length) throw new InputError(`deploy-local cannot boot instances here; missing: ${missing.join('; ')}`)
  const dir = resolve(dirIn)
  mkdirSync(join(dir, 'lb/tmp'), { recursive: true })
  const id = randomBytes(3).toString('hex')
  // A /30 per instance in a 10.x.y.0/24 picked from the fleet id; the addresses live only in our namespaces.
  const net = fleetNet(id)
  const f: Fleet = {
    dir,
    id,
    targets: targets.map((t) => ({ ...t, allowed: [] })),
    instances: [],
    deployments: 0,
    launched: count,
  }
  mkdirSync(revisionsDir(f), { recursive: true })
  saveFleet(f)
  try {
    for (let n = 1; n <= count; n++) {
      const i = newInstance(f, n, net)
      f.instances.push(i)
      saveFleet(f)
      await bootInstance(i, revisionsDir(f)) // makes its network too
      saveFleet(f)
    }
    for (const t of f.targets) t.allowed = f.instances.map((i) => i.name)
    writeFileSync(lbConfPath(f), lbNginxConf(f))
    quiet`nginx -c ${lbConfPath(f)}`
    saveFleet(f)
  } catch (e) {
    destroyFleet(f)
    throw e
  }
  return f
}

/**
 * A new instance in the fleet, as an Auto Scaling group launches one to replace a dead instance: a fresh disk and
 * network of its own, booted, not yet behind the load balancer (a deployment adds it). `prepare` runs before the
 * boot, on the instance not yet booted (its attached volumes: attachVolumes).
 */
export async function launchInstance(f: Fleet, prepare: (i: Instance) => void = () => {}): Promise<Instance> {
  const n = (f.launched ?? f.instances.length) + 1
  if (4 * n + 2 > 254) throw new Error(`fleet ${f.id} has no address left for instance i${n}`)
  const i = newInstance(f, n, fleetNet(f.id))
  f.launched = n
  prepare(i)
  f.instances.push(i)
  saveFleet(f)
  await bootInstance(i, revisionsDir(f))
  saveFleet(f)
  return i
}

/** Boots an instance that is down (killed, or the machine restarted), as an Auto Scaling health check would have. */
export async function ensureRunning(f: Fleet, i: Instance) {
  await bootInstance(i, revisionsDir(f))
  saveFleet(f)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const lbMaster = (f: Fleet) => Number(readFileSync(join(f.dir, 'lb/nginx.pid'), 'utf8').trim())

/** Re-reads the target list; returns once the old workers, and so their in-flight requests, are done. */
async function reloadLb(f: Fleet, drainMs: number) {
  writeFileSync(lbConfPath(f), lbNginxConf(f))
  const before = childPids(lbMaster(f))
  quiet`nginx -c ${lbConfPath(f)} -s reload`
  const deadline = Date.now() + drainMs
  // nginx starts the new workers before it tells the old ones to stop accepting.
  while (Date.now() < deadline && before.some(alive)) await new Promise((r) => setTimeout(r, 50))
  saveFleet(f)
}

/**
 * A new listener for an app that has none yet (its first deployment to this fleet), with no instance in service:
 * each joins in the app's AllowTraffic, as an instance joins a new target group.
 */
export async function addTargetGroup(f: Fleet, target: Omit<TargetGroup, 'allowed'>): Promise<TargetGroup> {
  const clash = f.targets.find((t) => t.proxyPort === target.proxyPort || t.lbPort === target.lbPort)
  if (clash)
    throw new InputError(
      `fleet ${f.id}: port ${clash.lbPort === target.lbPort ? target.lbPort : target.proxyPort} is already ${clash.app ?? 'an app'}'s`,
    )
  const added = { ...target, allowed: [] }
  f.targets.push(added)
  await reloadLb(f, 0)
  return added
}

/** Out of the app's target group (the one for proxyPort); an app with none (the database group's) has no traffic steps. */
export async function blockTraffic(f: Fleet, name: string, proxyPort: number | undefined, drainMs = 15_000) {
  const t = targetOf(f, proxyPort)
  if (!t) return
  t.allowed = t.allowed.filter((n) => n !== name)
  await reloadLb(f, drainMs)
}

export async function allowTraffic(f: Fleet, name: string, proxyPort: number | undefined) {
  const t = targetOf(f, proxyPort)
  if (!t) return
  if (!t.allowed.includes(name)) t.allowed = [...t.allowed, name].sort()
  await reloadLb(f, 15_000)
}

/** Out of every target group, drained, as an instance the group terminates is deregistered from all of them. */
export async function deregisterEverywhere(f: Fleet, name: string, drainMs = 15_000) {
  if (!f.targets.some((t) => t.allowed.includes(name))) return
  for (const t of f.targets) t.allowed = t.allowed.filter((n) => n !== name)
  await reloadLb(f, drainMs)
}

/**
 * The instance is gone for good, as EC2 terminates one: killed, its network removed, out of the fleet (deployments
 * no longer boot it again). Its disk folder stays for a post-mortem; an attached volume's folder is not touched.
 */
export async function terminateInstance(f: Fleet, i: Instance) {
  await killInstanceAsync(i)
  removeNetwork(i)
  f.instances = f.instances.filter((x) => x.name !== i.name)
  for (const t of f.targets) t.allowed = t.allowed.filter((n) => n !== i.name)
  saveFleet(f)
}

/** Stops the load balancer and every instance and forgets the fleet (its disks stay in the folder). */
export function destroyFleet(f: Fleet) {
  quietTry`nginx -c ${lbConfPath(f)} -s stop` // fails harmlessly when it never started
  for (const i of f.instances) {
    killInstance(i)
    removeNetwork(i)
  }
  rmSync(stateFile(f.dir), { force: true })
}
