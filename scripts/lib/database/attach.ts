// The database instance takes the environment's fixed address (a network interface) and data volume, both made by
// cloudformation/database.yaml, through the EC2 API: found by their tags, waited for while a dead instance still holds
// them, attached to this instance (I/O: EC2).
import {
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2'
import { dataVolumeName, databaseAddressName } from '../names.ts'

export type Self = { instanceId: string; zone: string }
export type Waits = {
  timeoutMs: number
  pollMs: number
  say: (line: string) => void
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** Where a Nitro instance shows an EBS volume: its id without the hyphen, in the NVMe serial. */
export const volumeDevice = (volumeId: string) =>
  `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volumeId.replace('-', '')}`

const byName = (env: string, name: string) => [
  { Name: 'tag:Name', Values: [name] },
  { Name: 'tag:Environment', Values: [env] },
]

/**
 * The one of `all` in this instance's zone. While CloudFormation replaces a volume or an interface (the database moved
 * to the other zone), the old one and the new one share the name for a while; only the one here can be attached.
 */
function inMyZone<T extends { AvailabilityZone?: string }>(all: T[], self: Self, what: string, stack: string): T {
  if (!all.length)
    throw new Error(`expected one ${what}, found none; apply the database stack (cloudformation/database.yaml)${stack}`)
  const here = all.filter((x) => x.AvailabilityZone === self.zone)
  if (here.length === 1) return here[0]!
  if (!here.length)
    throw new Error(
      `the ${what} is in ${[...new Set(all.map((x) => x.AvailabilityZone))].join(', ')}, this instance in ${self.zone}; the database group must launch in its zone (docs/disaster-recovery.md, "lost zone")`,
    )
  throw new Error(
    `expected one ${what} in ${self.zone}, found ${here.length}; remove the extra ones (docs/disaster-recovery.md)`,
  )
}

/** Polls `probe` until it returns a value, saying what it waits for once a minute; throws `why` at the timeout. */
export async function waitUntil<T>(
  w: Waits,
  what: string,
  probe: () => Promise<T | undefined>,
  why: () => string,
): Promise<T> {
  const now = w.now ?? Date.now
  const sleep = w.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const start = now()
  let said = start
  for (;;) {
    const got = await probe()
    if (got !== undefined) return got
    if (now() - start >= w.timeoutMs) throw new Error(why())
    if (now() - said >= 60_000) {
      w.say(`still waiting for ${what} (${Math.round((now() - start) / 1000)} s)`)
      said = now()
    }
    await sleep(w.pollMs)
  }
}

/** Attaches the fixed address as this instance's second interface; nothing when it is already this instance's. */
export async function attachAddress(
  ec2: EC2Client,
  env: string,
  self: Self,
  w: Waits,
): Promise<'attached' | 'already'> {
  const find = async () => {
    const r = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byName(env, databaseAddressName(env)) }))
    return inMyZone(r.NetworkInterfaces ?? [], self, `network interface named ${databaseAddressName(env)}`, '')
  }
  let eni = await find()
  if (eni.Attachment?.InstanceId === self.instanceId) return 'already'
  // A dead instance's interface detaches as EC2 terminates it.
  eni = await waitUntil(
    w,
    `${eni.NetworkInterfaceId} (${eni.PrivateIpAddress}) to be free`,
    async () => {
      const e = await find()
      return e.Status === 'available' ? e : undefined
    },
    () =>
      `${eni.NetworkInterfaceId} is still attached to ${eni.Attachment?.InstanceId ?? 'another instance'}; if that instance is gone, detach it (docs/disaster-recovery.md)`,
  )
  await ec2.send(
    new AttachNetworkInterfaceCommand({
      NetworkInterfaceId: eni.NetworkInterfaceId,
      InstanceId: self.instanceId,
      DeviceIndex: 1,
    }),
  )
  return 'attached'
}

/** Attaches the data volume and waits until EC2 says it is attached here; returns its id. */
export async function attachVolume(
  ec2: EC2Client,
  env: string,
  self: Self,
  w: Waits,
): Promise<{ volumeId: string; action: 'attached' | 'already' }> {
  const find = async () => {
    const r = await ec2.send(new DescribeVolumesCommand({ Filters: byName(env, dataVolumeName(env)) }))
    return inMyZone(
      r.Volumes ?? [],
      self,
      `volume named ${dataVolumeName(env)}`,
      ', or see docs/disaster-recovery.md for a lost volume',
    )
  }
  const vol = await find()
  const volumeId = vol.VolumeId!
  const mine = (v: typeof vol) => v.Attachments?.some((a) => a.InstanceId === self.instanceId && a.State === 'attached')
  if (mine(vol)) return { volumeId, action: 'already' }
  await waitUntil(
    w,
    `${volumeId} to be free`,
    async () => ((await find()).State === 'available' ? true : undefined),
    () =>
      `${volumeId} is still in use by ${vol.Attachments?.[0]?.InstanceId ?? 'another instance'}; if that instance is gone, detach it (docs/disaster-recovery.md)`,
  )
  await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: self.instanceId, Device: '/dev/sdf' }))
  await waitUntil(
    w,
    `${volumeId} to attach`,
    async () => (mine(await find()) ? true : undefined),
    () => `${volumeId} did not attach to ${self.instanceId}`,
  )
  return { volumeId, action: 'attached' }
}
