// What database-up asks of the host it runs on: its identity (instance metadata), its addresses, its mounts, the data
// volume's device and filesystem, and mongod's unit (I/O: IMDS, /proc, block devices, systemd).
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { parse } from 'yaml'
import { $ } from '../shell.ts'
import type { Self } from './attach.ts'

const IMDS = 'http://169.254.169.254/latest'

/** This instance's id and zone from the metadata service (IMDSv2); a clear error where there is none. */
export async function instanceIdentity(timeoutMs = 3000): Promise<Self> {
  const ask = async (path: string, init: RequestInit) => {
    const r = await fetch(`${IMDS}/${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) })
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`)
    return (await r.text()).trim()
  }
  try {
    const token = await ask('api/token', { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '300' } })
    const headers = { 'X-aws-ec2-metadata-token': token }
    return {
      instanceId: await ask('meta-data/instance-id', { headers }),
      zone: await ask('meta-data/placement/availability-zone', { headers }),
    }
  } catch (e) {
    throw new Error(
      `cannot read this instance's identity from the metadata service (${(e as Error).message}); database-up attaches the address and volume only on the database's EC2 instance, as root`,
    )
  }
}

export const hasAddress = (ip: string) =>
  Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === ip))

/** Whether `path` is a mount point, from this mount namespace's table. */
export function isMountPoint(path: string): boolean {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => unescape(line.split(' ')[4] ?? '') === path)
}

/** On the data volume, beside mongod's files: a run of database-up finished here (restored, users made). */
export const READY_MARKER = '.drsignet-ready'

/** Nothing in it but what mkfs leaves: mongod has never written here. */
export const isEmptyDataDir = (path: string) => !existsSync(path) || readdirSync(path).every((n) => n === 'lost+found')

/**
 * A filesystem on the device, made only when it has none: `blkid -p` finds no signature, and mkfs.xfs, without -f,
 * refuses on its own to write over one it recognises. Returns its UUID.
 */
export async function filesystemOn(device: string, say: (line: string) => void): Promise<string> {
  const probe = await $({ nothrow: true, quiet: true })`blkid -p -o value -s TYPE ${device}`
  if (probe.exitCode === 2) {
    say(`${device} has no filesystem (a new volume): making xfs`)
    await $({ quiet: true })`mkfs.xfs -L mongo-data ${device}`
  } else if (probe.exitCode !== 0) throw new Error(`blkid ${device} failed: ${probe.stderr.trim()}`)
  return (await $({ quiet: true })`blkid -o value -s UUID ${device}`).stdout.trim()
}

/** The volume mounted at `path` by a systemd mount unit, so it is mounted again at every boot, before mongod. */
export async function mountUnit(uuid: string, path: string, unitDir = '/etc/systemd/system'): Promise<string> {
  const unit = (await $({ quiet: true })`systemd-escape --path --suffix=mount ${path}`).stdout.trim()
  writeFileSync(
    `${unitDir}/${unit}`,
    [
      '# Written by ops database-up: MongoDB data volume (cloudformation/database.yaml).',
      '[Unit]',
      'Description=MongoDB data volume',
      'Before=mongod.service',
      '',
      '[Mount]',
      `What=/dev/disk/by-uuid/${uuid}`,
      `Where=${path}`,
      'Type=xfs',
      'Options=noatime,nofail',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'),
    { mode: 0o644 },
  )
  await $({ quiet: true })`systemctl daemon-reload`
  await $({ quiet: true })`systemctl enable --now ${unit}`
  return unit
}

/** mongod's storage.dbPath from its configuration (YAML), or the package's default. */
export function dbPathOf(conf: string): string {
  const path = (parse(conf) as { storage?: { dbPath?: unknown } } | null)?.storage?.dbPath
  return typeof path === 'string' && path.trim() ? path.trim() : '/var/lib/mongo'
}

/** Written beside, owned and moded, then renamed over: no reader sees half a file, nobody reads a secret early. */
export function writeAtomically(path: string, data: string, mode: number, gid?: number, uid = 0) {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' })
  if (gid !== undefined || uid !== 0) chownSync(tmp, uid, gid ?? 0)
  chmodSync(tmp, mode)
  renameSync(tmp, path)
}
