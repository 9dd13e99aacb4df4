// A local fleet for deploy-local: each instance is a root folder with its own network namespace and nginx,
// behind a loopback nginx load balancer that blocks and allows instances like an ALB target group (I/O).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { run } from './exec.ts'
import { childPids } from './proc.ts'

export type Instance = { name: string; root: string; netns: string; hostIf: string; hostIp: string; nsIp: string }
export type Fleet = {
  dir: string
  id: string
  lbPort: number
  proxyPort: number // the app's nginx port on every instance, fixed by the first bundle
  instances: Instance[]
  allowed: string[] // instance names the load balancer sends traffic to
  lastGood?: string // the last revision deployed to every instance, a copy kept in the fleet folder
  deployments: number
}

const stateFile = (dir: string) => join(dir, 'fleet.json')

export function saveFleet(f: Fleet) {
  writeFileSync(`${stateFile(f.dir)}.tmp`, `${JSON.stringify(f, null, 2)}\n`)
  renameSync(`${stateFile(f.dir)}.tmp`, stateFile(f.dir))
}

export const loadFleet = (dir: string): Fleet | undefined =>
  existsSync(stateFile(dir)) ? JSON.parse(readFileSync(stateFile(dir), 'utf8')) : undefined

/** The nginx.conf of one instance: Debian's layout, every path under the instance root. Workers run as the
 * caller, as the hooks do here (no app users), so they can read static files below a private temp folder. */
export const instanceNginxConf = (root: string) => `# deploy-local instance nginx; vhosts go to conf.d/ as on an instance.
user ${userInfo().username};
worker_processes 1;
pid ${root}/run/nginx.pid;
error_log ${root}/var/log/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log ${root}/var/log/nginx/access.log;
    client_body_temp_path ${root}/var/lib/nginx/body;
    proxy_temp_path ${root}/var/lib/nginx/proxy;
    fastcgi_temp_path ${root}/var/lib/nginx/fastcgi;
    uwsgi_temp_path ${root}/var/lib/nginx/uwsgi;
    scgi_temp_path ${root}/var/lib/nginx/scgi;
    include conf.d/*.conf;
}
`

/** The load balancer: no retries to another target, so a request sent to a stopped instance would fail visibly. */
export function lbNginxConf(f: Fleet): string {
  const targets = f.instances.filter((i) => f.allowed.includes(i.name))
  const upstream = targets.length
    ? `    upstream targets {\n${targets.map((i) => `        server ${i.nsIp}:${f.proxyPort};`).join('\n')}\n    }\n`
    : ''
  const location = targets.length
    ? 'proxy_pass http://targets;\n            proxy_next_upstream off;\n            proxy_set_header Host $host;'
    : 'return 503;'
  return `# deploy-local load balancer for fleet ${f.id}
worker_processes 1;
pid ${f.dir}/lb/nginx.pid;
error_log ${f.dir}/lb/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${f.dir}/lb/tmp;
    proxy_temp_path ${f.dir}/lb/tmp;
${upstream}    server {
        listen 127.0.0.1:${f.lbPort};
        location / {
            ${location}
        }
    }
}
`
}

const lbConfPath = (f: Fleet) => join(f.dir, 'lb/nginx.conf')
const nsExec = (i: Instance, args: string[]) => run('ip', ['netns', 'exec', i.netns, ...args])

function createInstance(f: Fleet, n: number, net: [number, number]): Instance {
  const root = join(f.dir, 'instances', `i${n}`)
  const name = `i${n}`
  const i: Instance = { name, root, netns: `dl-${f.id}-${n}`, hostIf: `dl${f.id}h${n}`, hostIp: `10.${net[0]}.${net[1]}.${4 * n + 1}`, nsIp: `10.${net[0]}.${net[1]}.${4 * n + 2}` }
  for (const d of ['etc/nginx/conf.d', 'run', 'var/log/nginx', 'var/lib/nginx']) mkdirSync(join(root, d), { recursive: true })
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), instanceNginxConf(root))
  run('ip', ['netns', 'add', i.netns])
  run('ip', ['link', 'add', i.hostIf, 'type', 'veth', 'peer', 'name', `dl${f.id}n${n}`])
  run('ip', ['link', 'set', `dl${f.id}n${n}`, 'netns', i.netns])
  run('ip', ['addr', 'add', `${i.hostIp}/30`, 'dev', i.hostIf])
  run('ip', ['link', 'set', i.hostIf, 'up'])
  nsExec(i, ['ip', 'addr', 'add', `${i.nsIp}/30`, 'dev', `dl${f.id}n${n}`])
  nsExec(i, ['ip', 'link', 'set', `dl${f.id}n${n}`, 'up'])
  nsExec(i, ['ip', 'link', 'set', 'lo', 'up'])
  startInstanceNginx(i)
  return i
}

export const startInstanceNginx = (i: Instance) => nsExec(i, ['nginx', '-c', join(i.root, 'etc/nginx/nginx.conf')])

export function createFleet(dirIn: string, count: number, lbPort: number, proxyPort: number): Fleet {
  const dir = resolve(dirIn)
  mkdirSync(join(dir, 'lb/tmp'), { recursive: true })
  const id = randomBytes(3).toString('hex')
  // A /30 per instance in a 10.x.y.0/24 picked from the fleet id; the addresses live only in our namespaces.
  const net: [number, number] = [200 + (parseInt(id.slice(0, 2), 16) % 50), parseInt(id.slice(2, 4), 16)]
  const f: Fleet = { dir, id, lbPort, proxyPort, instances: [], allowed: [], deployments: 0 }
  saveFleet(f)
  try {
    for (let n = 1; n <= count; n++) {
      f.instances.push(createInstance(f, n, net))
      saveFleet(f)
    }
    f.allowed = f.instances.map((i) => i.name)
    writeFileSync(lbConfPath(f), lbNginxConf(f))
    run('nginx', ['-c', lbConfPath(f)])
    saveFleet(f)
  } catch (e) {
    destroyFleet(f)
    throw e
  }
  return f
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }
const lbMaster = (f: Fleet) => Number(readFileSync(join(f.dir, 'lb/nginx.pid'), 'utf8').trim())

/** Re-reads the target list; returns once the old workers, and so their in-flight requests, are done. */
async function reloadLb(f: Fleet, drainMs: number) {
  writeFileSync(lbConfPath(f), lbNginxConf(f))
  const before = childPids(lbMaster(f))
  run('nginx', ['-c', lbConfPath(f), '-s', 'reload'])
  const deadline = Date.now() + drainMs
  // nginx starts the new workers before it tells the old ones to stop accepting.
  while (Date.now() < deadline && before.some(alive)) await new Promise((r) => setTimeout(r, 50))
  saveFleet(f)
}

export async function blockTraffic(f: Fleet, name: string, drainMs = 15_000) {
  f.allowed = f.allowed.filter((n) => n !== name)
  await reloadLb(f, drainMs)
}

export async function allowTraffic(f: Fleet, name: string) {
  if (!f.allowed.includes(name)) f.allowed = [...f.allowed, name].sort()
  await reloadLb(f, 15_000)
}

/** The pids whose network namespace is this instance's (a /proc scan that tolerates processes exiting meanwhile). */
function pidsIn(i: Instance): number[] {
  let ino: number
  try { ino = statSync(`/run/netns/${i.netns}`).ino } catch { return [] }
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return pid !== process.pid && statSync(`/proc/${pid}/ns/net`).ino === ino } catch { return false }
  })
}

/** Every process of one instance (nginx, pm2 and the app), as if the machine died; returns how many were killed. */
export function killInstance(i: Instance): number {
  let killed = 0
  for (let round = 0; round < 20; round++) {
    const pids = pidsIn(i)
    if (!pids.length) break
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); killed++ } catch { /* gone */ } }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
  }
  return killed
}

export function destroyFleet(f: Fleet) {
  try { run('nginx', ['-c', lbConfPath(f), '-s', 'stop'], { allowFail: true }) } catch { /* not started */ }
  for (const i of f.instances) {
    killInstance(i)
    run('ip', ['link', 'del', i.hostIf], { allowFail: true })
    run('ip', ['netns', 'del', i.netns], { allowFail: true })
  }
}
