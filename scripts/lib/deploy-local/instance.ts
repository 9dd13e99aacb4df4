// One local instance: a network namespace with a veth pair, and systemd booted in its own namespaces over this
// machine's tree with persistent overlays (instance-boot.sh). Boots, kills, runs commands inside and reaches its
// files through /proc/PID/root (I/O).
import { spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { $, quiet, quietTry, type Options, type ProcessOutput } from '../shell.ts'
import { childPids, startTime } from './proc.ts'
import { checkoutDir } from '../checkout.ts'

export type Instance = {
  name: string
  dir: string // host folder: disk/ (overlay layers), boot.log
  netns: string
  hostIf: string // veth end on the host
  nsIf: string // veth end inside the namespace
  hostIp: string // the host side of the veth pair: relays listen here
  nsIp: string // the instance's address: the load balancer's target
  cgroup: string // prefix of the folder under each cgroup hierarchy that the instance's systemd owns (one per boot)
  pid?: number // host pid of the boot process (unshare); its only child is the instance's PID 1
  started?: string // that process's start time (/proc/PID/stat), so a recycled pid is never taken for it
  boots?: number
}

const bootScript = join(checkoutDir, 'scripts/lib/deploy-local/instance-boot.sh')
const standIns = join(checkoutDir, 'scripts/lib/deploy-local/stand-ins')
export const AGENT_VERSION = '1.8.1'
export const agentDir = join(checkoutDir, '.cache/codedeploy-agent', AGENT_VERSION)

/** The PATH a systemd service gets, which is what the agent, and so every hook, starts from. */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** What an instance needs from this machine; each missing piece is named with the step that provides it. */
export function missingPrerequisites(): string[] {
  const missing: string[] = []
  if (process.getuid?.() !== 0) missing.push('root (namespaces, overlay mounts and users need it)')
  if (!existsSync(join(agentDir, '.complete')))
    missing.push(`the CodeDeploy agent ${AGENT_VERSION} in ${agentDir}: run bash .ci/install.d/55-codedeploy-agent.sh`)
  for (const [tool, pkg] of [
    ['/lib/systemd/systemd', 'systemd'],
    ['/usr/bin/ruby', 'ruby (bash .ci/install.d/55-codedeploy-agent.sh)'],
    ['/usr/bin/nsenter', 'util-linux'],
    ['/usr/bin/dbus-daemon', 'dbus'],
    ['/usr/sbin/nginx', 'nginx-light'],
  ] as const) {
    if (!existsSync(tool)) missing.push(`${tool}: apt-get install ${pkg}`)
  }
  if (!existsSync('/usr/bin/node') && !existsSync('/usr/local/bin/node'))
    missing.push('node in /usr/bin or /usr/local/bin, where an instance has it')
  if (!existsSync(join(checkoutDir, 'node_modules/pm2/bin/pm2'))) missing.push('pm2 in node_modules: run npm ci')
  return missing
}

/** The boot process, if it is still the one bootInstance started (same pid and start time). */
const bootPid = (i: Instance) => (i.pid && i.started && startTime(i.pid) === i.started ? i.pid : undefined)

/** The folder of the current boot's cgroup, under each hierarchy. */
const bootCgroup = (i: Instance) => `${i.cgroup}-b${i.boots ?? 0}`

/** The instance's PID 1 (systemd), or undefined when the instance is not running. */
export function initPid(i: Instance): number | undefined {
  if (!bootPid(i)) return undefined
  // Until the boot script has exec'd systemd, the child is still the shell that mounts the instance's tree.
  return childPids(i.pid!).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'systemd'
    } catch {
      return false
    }
  })
}

export const isRunning = (i: Instance) => initPid(i) !== undefined

/** A path inside the running instance, as its own processes see it (through its mount namespace). */
export function pathIn(i: Instance, path: string): string {
  const pid = initPid(i)
  if (!pid) throw new Error(`instance ${i.name} is not running`)
  return `/proc/${pid}/root${path}`
}

/** The host path of a file the instance wrote (its overlay's upper layer); readable after the instance died. */
export function writtenPath(i: Instance, path: string): string {
  const layer = ['/usr/local', '/etc', '/opt', '/var', '/home', '/root', '/srv'].find(
    (d) => path === d || path.startsWith(`${d}/`),
  )
  if (!layer) throw new Error(`${path} is not on a persistent layer of the instance`)
  return join(i.dir, 'disk/upper', layer.slice(1).replace('/', '-'), path.slice(layer.length))
}

const nsenterArgs = (pid: number) => ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-C', '--wd=/']

/** The command line that runs argv inside the instance, as root, with a service's clean environment. */
export function execArgv(i: Instance, argv: string[], env: Record<string, string> = {}): string[] {
  const pid = initPid(i)
  if (!pid) throw new Error(`instance ${i.name} is not running`)
  const vars = Object.entries({ PATH: SERVICE_PATH, LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${v}`)
  return ['nsenter', ...nsenterArgs(pid), '--', '/usr/bin/env', '-i', ...vars, ...argv]
}

/** Runs argv inside the instance and waits for it (tests and benchmarks: pm2, logrotate, curl, ls as the instance sees them). */
export function instanceExec(
  i: Instance,
  argv: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): ProcessOutput {
  // Without input, stdin is /dev/null (shell.ts): a command that reads it ends instead of waiting on ours.
  const stdin: Partial<Options> = opts.input === undefined ? {} : { input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] }
  return $.sync({ nothrow: true, quiet: true, ...stdin })`${execArgv(i, argv, opts.env)}`
}

/**
 * What every service the instance starts from now on finds in its environment (systemd's manager environment):
 * the stand-ins for the instance role and the VPC's way to AWS (endpoint, credentials). The agent, its hooks and
 * the units they start (the backup check) all get them, as they all reach IMDS on EC2.
 */
export function setServiceEnvironment(i: Instance, env: Record<string, string>) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`)
  if (!vars.length) return
  const r = instanceExec(i, ['systemctl', 'set-environment', ...vars])
  if (r.exitCode !== 0) throw new Error(`instance ${i.name}: systemctl set-environment failed: ${r.stderr.trim()}`)
}

/** Takes them back once the run is over: the relay they name is gone by then. */
export function unsetServiceEnvironment(i: Instance, names: string[]) {
  if (names.length && isRunning(i)) instanceExec(i, ['systemctl', 'unset-environment', ...names])
}

/** Boots the instance (its disk kept from any earlier boot) and waits until systemd has started nginx. */
export async function bootInstance(i: Instance, revisions: string, timeoutMs = 60_000): Promise<void> {
  if (isRunning(i)) return
  // After a restart of this machine the namespace and its veth pair are gone with it; the disk is not.
  if (!existsSync(`/run/netns/${i.netns}`)) createNetwork(i)
  removeCgroups(i)
  i.boots = (i.boots ?? 0) + 1 // a cgroup of its own per boot: a leftover one can never block this boot
  mkdirSync(join(i.dir, 'disk'), { recursive: true })
  const log = openSync(join(i.dir, 'boot.log'), 'a')
  // Not zx: this is no command that finishes but the instance itself, detached so it outlives this process.
  const child = spawn(
    'bash',
    [
      bootScript,
      i.name,
      join(i.dir, 'disk'),
      i.netns,
      bootCgroup(i),
      agentDir,
      standIns,
      join(checkoutDir, 'node_modules'),
      revisions,
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
    },
  )
  closeSync(log)
  child.unref()
  i.pid = child.pid
  i.started = child.pid ? startTime(child.pid) : undefined
  const deadline = Date.now() + timeoutMs
  let state = ''
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    if (initPid(i)) {
      state = instanceExec(i, ['systemctl', 'is-system-running']).stdout.trim()
      if (state === 'running' || state === 'degraded') return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const tail = readFileSync(join(i.dir, 'boot.log'), 'utf8').split('\n').slice(-15).join('\n')
  killInstance(i)
  throw new Error(
    `instance ${i.name} did not boot (systemd: ${state || 'not started'}); ${join(i.dir, 'boot.log')} ends:\n${tail}`,
  )
}

/** The pids of every process of the running instance (its PID namespace), seen from the host; none when it is down. */
export function processesOf(i: Instance): number[] {
  const init = initPid(i)
  if (!init) return []
  let ns: number
  try {
    ns = statSync(`/proc/${init}/ns/pid`).ino
  } catch {
    return []
  }
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return statSync(`/proc/${pid}/ns/pid`).ino === ns
      } catch {
        return false
      }
    })
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * Kills the instance as a power cut does: its PID 1 and with it every process inside (nginx, pm2, the apps, a
 * running agent). The disk stays; bootInstance starts it again. Returns how many processes died.
 */
export function killInstance(i: Instance): number {
  const { init, count } = cutPower(i)
  for (let round = 0; round < 100 && init && existsSync(`/proc/${init}`); round++) sleepSync(50)
  forgetBoot(i)
  return count
}

/**
 * killInstance without blocking this process while the kernel tears the instance down (about 2 s): for callers
 * whose own event loop must go on meanwhile, such as a load generator measuring a scale-in.
 */
export async function killInstanceAsync(i: Instance): Promise<number> {
  const { init, count } = cutPower(i)
  for (let round = 0; round < 100 && init && existsSync(`/proc/${init}`); round++)
    await new Promise((r) => setTimeout(r, 50))
  forgetBoot(i)
  return count
}

/** Sends the instance's boot process and PID 1 SIGKILL; returns PID 1 and how many processes were running. */
function cutPower(i: Instance): { init?: number; count: number } {
  const init = initPid(i)
  const count = processesOf(i).length
  const boot = bootPid(i) // never a pid that is no longer ours
  if (boot)
    try {
      process.kill(boot, 'SIGKILL')
    } catch {
      /* gone */
    }
  if (init)
    try {
      process.kill(init, 'SIGKILL')
    } catch {
      /* gone with its parent */
    }
  return { init, count }
}

function forgetBoot(i: Instance) {
  removeCgroups(i)
  i.pid = undefined
  i.started = undefined
}

/** Removes a cgroup folder and the tree systemd made inside it, innermost first, once its processes are gone. */
function removeCgroup(dir: string) {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name))
  for (let round = 0; round < 40; round++) {
    try {
      rmdirSync(dir)
      return
    } catch {
      sleepSync(50)
    }
  }
}

/** The instance's cgroup folders, of every boot, under every hierarchy. */
function removeCgroups(i: Instance) {
  const prefix = `${i.cgroup}-b`
  for (const h of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup']) {
    let names: string[]
    try {
      names = readdirSync(h).filter((n) => n.startsWith(prefix))
    } catch {
      continue
    }
    for (const name of names) removeCgroup(join(h, name))
  }
}

/**
 * Host folders mounted in the instance from its next boot on (instance-boot.sh): a data volume (read-write), as an
 * EBS volume that its own boot attached and mounted, which outlives the instance's disk, so a replacement can be
 * given the same one; or, read-only, what a package would have installed (a server's binaries).
 */
export function attachVolumes(i: Instance, volumes: { hostDir: string; path: string; readOnly?: boolean }[]) {
  mkdirSync(join(i.dir, 'disk'), { recursive: true })
  writeFileSync(
    join(i.dir, 'disk/volumes'),
    volumes.map((v) => `${v.hostDir} ${v.path} ${v.readOnly ? 'ro' : 'rw'}\n`).join(''),
  )
}

/**
 * A secondary private address on the instance (a network interface it attached): on its interface inside, and
 * routed to it from this machine, so whoever dials the address reaches this instance, and no longer another.
 */
export function assignAddress(i: Instance, ip: string) {
  quiet`ip netns exec ${i.netns} ip addr replace ${ip}/32 dev ${i.nsIf}`
  quiet`ip route replace ${ip}/32 via ${i.nsIp} dev ${i.hostIf}`
}

/** The instance's network: a namespace and a veth /30 whose host end is hostIp. */
function createNetwork(i: Instance) {
  const inner = i.nsIf
  quiet`ip netns add ${i.netns}`
  quiet`ip link add ${i.hostIf} type veth peer name ${inner}`
  quiet`ip link set ${inner} netns ${i.netns}`
  quiet`ip addr add ${i.hostIp}/30 dev ${i.hostIf}`
  quiet`ip link set ${i.hostIf} up`
  quiet`ip netns exec ${i.netns} ip addr add ${i.nsIp}/30 dev ${inner}`
  quiet`ip netns exec ${i.netns} ip link set ${inner} up`
  quiet`ip netns exec ${i.netns} ip link set lo up`
}

export function removeNetwork(i: Instance) {
  // Either may be gone already (a restart of this machine takes both); what is left goes.
  quietTry`ip link del ${i.hostIf}`
  quietTry`ip netns del ${i.netns}`
}
