// Checks what database-up's attach step does beyond tests/integration/database/attach.test.ts: the Nitro device path,
// the bounded wait (its messages and timeout, on a scripted clock), waiting out a dead instance that still holds the
// address or the volume, and the refusals for none, too many, or another environment's (pure; moto EC2 on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  DetachNetworkInterfaceCommand,
  DetachVolumeCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2'
import { attachAddress, attachVolume, volumeDevice, waitUntil, type Waits } from '../../scripts/lib/database/attach.ts'
import { dataVolumeName, databaseAddressName } from '../../scripts/lib/names.ts'
import { startMoto, type Moto } from '../harness/moto.ts'

const REGION = 'eu-central-1'
const ZONE = `${REGION}a`
let moto: Moto
let ec2: EC2Client
let subnet = ''

/** A scripted clock: sleep() moves time on and runs `onSleep`, so waits take no real time. */
function clock(onSleep: (slept: number) => Promise<void> | void = () => {}) {
  let t = 1_000_000
  let slept = 0
  const said: string[] = []
  const w = (timeoutMs: number, pollMs: number): Waits => ({
    timeoutMs,
    pollMs,
    say: (l) => void said.push(l),
    now: () => t,
    sleep: async (ms) => {
      t += ms
      await onSleep(++slept)
    },
  })
  return { w, said, sleeps: () => slept }
}

const tags = (type: 'volume' | 'network-interface', name: string, env: string) => [
  {
    ResourceType: type,
    Tags: [
      { Key: 'Name', Value: name },
      { Key: 'Environment', Value: env },
    ],
  },
]
let image = ''
async function instance(): Promise<string> {
  image ||= (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }))).Images![0]!.ImageId!
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: 't3.medium', SubnetId: subnet }),
  )
  return r.Instances![0]!.InstanceId!
}
const volume = async (env: string, zone = ZONE) =>
  (
    await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: zone,
        Size: 20,
        VolumeType: 'gp3',
        TagSpecifications: tags('volume', dataVolumeName(env), env),
      }),
    )
  ).VolumeId!
const address = async (env: string, ip: string) =>
  (
    await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnet,
        PrivateIpAddress: ip,
        TagSpecifications: tags('network-interface', databaseAddressName(env), env),
      }),
    )
  ).NetworkInterface!
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'attached',
    (e: Error) => e.message,
  )

test.before(async () => {
  moto = await startMoto()
  ec2 = new EC2Client({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID!, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY! },
  })
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!
  subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.40.0.0/20', AvailabilityZone: ZONE })))
    .Subnet!.SubnetId!
})
test.after(async () => {
  await moto?.stop()
})

test('a Nitro instance shows the volume under its id without the hyphen', () => {
  assert.is(
    volumeDevice('vol-0a1b2c3d4e5f60718'),
    '/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0a1b2c3d4e5f60718',
  )
})

test('waitUntil returns the first value that is not undefined, false and 0 included, without sleeping after it', async () => {
  for (const value of [false, 0, '', null]) {
    const c = clock()
    let asked = 0
    const got = await waitUntil(
      c.w(10_000, 500),
      'x',
      async () => (++asked < 3 ? undefined : value),
      () => 'never',
    )
    assert.is(got, value)
    assert.equal([asked, c.sleeps()], [3, 2])
  }
})

test('waitUntil says what it waits for once a minute, then throws the reason at the timeout', async () => {
  const c = clock()
  const e = await refusal(
    waitUntil(
      c.w(150_000, 20_000),
      'vol-1 to be free',
      async () => undefined,
      () => 'vol-1 is still in use by i-dead',
    ),
  )
  assert.is(e, 'vol-1 is still in use by i-dead')
  assert.equal(c.said, ['still waiting for vol-1 to be free (60 s)', 'still waiting for vol-1 to be free (120 s)'])
  // Asked at 0, 20, ... 140 and at 160 s, past the 150 s timeout.
  assert.is(c.sleeps(), 8)
})

test('the address held by a dead instance is waited for, then attached here as the second interface', async () => {
  const dead = await instance()
  const self = { instanceId: await instance(), zone: ZONE }
  const eni = await address('waiting', '10.40.1.10')
  const { AttachmentId } = await ec2.send(
    new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: dead, DeviceIndex: 1 }),
  )
  // EC2 frees it as it terminates the dead instance: here, on the third poll.
  const c = clock(async (n) => {
    if (n === 3) await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId }))
  })
  assert.is(await attachAddress(ec2, 'waiting', self, c.w(60_000, 1000)), 'attached')
  assert.is(c.sleeps(), 3)
  const { NetworkInterfaces } = await ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }),
  )
  assert.equal(
    { instance: NetworkInterfaces![0]!.Attachment?.InstanceId, device: NetworkInterfaces![0]!.Attachment?.DeviceIndex },
    { instance: self.instanceId, device: 1 },
  )
})

test('the volume held by a dead instance is waited for, then attached here', async () => {
  const dead = await instance()
  const self = { instanceId: await instance(), zone: ZONE }
  const volumeId = await volume('waiting')
  await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: dead, Device: '/dev/sdf' }))
  const c = clock(async (n) => {
    if (n === 2) await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: dead }))
  })
  assert.equal(await attachVolume(ec2, 'waiting', self, c.w(60_000, 1000)), { volumeId, action: 'attached' })
  const { Volumes } = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))
  assert.equal(
    Volumes![0]!.Attachments!.map((a) => [a.InstanceId, a.Device, a.State]),
    [[self.instanceId, '/dev/sdf', 'attached']],
  )
})

test('two volumes of that name in this zone: refused, nothing attached', async () => {
  await volume('doubled')
  await volume('doubled')
  const self = { instanceId: await instance(), zone: ZONE }
  assert.is(
    await refusal(attachVolume(ec2, 'doubled', self, clock().w(1000, 100))),
    `expected one volume named drsignet-doubled-mongo-data in ${ZONE}, found 2; remove the extra ones (docs/disaster-recovery.md)`,
  )
})

test('no address of that name: a message that says what to apply', async () => {
  assert.is(
    await refusal(attachAddress(ec2, 'nowhere', { instanceId: 'i-0', zone: ZONE }, clock().w(1000, 100))),
    'expected one network interface named drsignet-nowhere-mongo-address, found none; apply the database stack (cloudformation/database.yaml)',
  )
})

test('another environment’s volume and address, even named alike, are not taken', async () => {
  // Tagged Name as the staging ones but Environment production: a copy of a stack, never this environment's.
  const vpcVolume = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: ZONE,
      Size: 20,
      TagSpecifications: tags('volume', dataVolumeName('mixed'), 'production'),
    }),
  )
  assert.ok(vpcVolume.VolumeId)
  assert.is(
    await refusal(attachVolume(ec2, 'mixed', { instanceId: 'i-0', zone: ZONE }, clock().w(1000, 100))),
    'expected one volume named drsignet-mixed-mongo-data, found none; apply the database stack (cloudformation/database.yaml), or see docs/disaster-recovery.md for a lost volume',
  )
})

test.run()
