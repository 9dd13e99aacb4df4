// The EC2 side of database-up against moto: the address and the volume found by their tags, attached to this
// instance, nothing done when they already are, a refusal naming both zones when the instance is in another zone,
// and a bounded wait naming the instance that still holds them.
// I/O: moto (EC2) on loopback.
import {
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { attachAddress, attachVolume, type Waits } from '../../../scripts/lib/database/attach.ts'
import { dataVolumeName, databaseAddressName } from '../../../scripts/lib/names.ts'
import { startMoto, type Moto } from '../../harness/moto.ts'

const REGION = 'ap-south-1'
const ENV = 'staging'
let moto: Moto
let ec2: EC2Client
let subnetA = ''
const said: string[] = []
const quick: Waits = { timeoutMs: 1500, pollMs: 100, say: (l) => void said.push(l) }
const tagged = (type: 'volume' | 'network-interface', name: string) => [
  {
    ResourceType: type,
    Tags: [
      { Key: 'Name', Value: name },
      { Key: 'Environment', Value: ENV },
    ],
  },
]

async function instanceIn(zone: string, subnet: string): Promise<string> {
  const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0]!.ImageId!
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: image,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.medium',
      SubnetId: subnet,
      Placement: { AvailabilityZone: zone },
    }),
  )
  return r.Instances![0]!.InstanceId!
}

test.before(async () => {
  moto = await startMoto()
  ec2 = new EC2Client({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!
  subnetA = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.30.128.0/18', AvailabilityZone: `${REGION}a` }))
  ).Subnet!.SubnetId!
  await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${REGION}a`,
      Size: 50,
      VolumeType: 'gp3',
      Encrypted: true,
      TagSpecifications: tagged('volume', dataVolumeName(ENV)),
    }),
  )
  await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetA,
      PrivateIpAddress: '10.30.128.10',
      TagSpecifications: tagged('network-interface', databaseAddressName(ENV)),
    }),
  )
})

test.after(async () => {
  await moto?.stop()
})

test('a new instance in the zone takes the address and the volume; a second run finds them its own', async () => {
  const self = { instanceId: await instanceIn(`${REGION}a`, subnetA), zone: `${REGION}a` }
  assert.is(await attachAddress(ec2, ENV, self, quick), 'attached')
  const vol = await attachVolume(ec2, ENV, self, quick)
  assert.match(vol.volumeId, /^vol-/)
  assert.is(vol.action, 'attached')
  assert.is(await attachAddress(ec2, ENV, self, quick), 'already')
  assert.is((await attachVolume(ec2, ENV, self, quick)).action, 'already')

  // Another instance (a replacement while this one still holds them) waits, then says who holds them.
  const other = { instanceId: await instanceIn(`${REGION}a`, subnetA), zone: `${REGION}a` }
  const held = await attachVolume(ec2, ENV, other, quick).then(
    () => 'attached',
    (e: Error) => e.message,
  )
  assert.match(
    held,
    new RegExp(`^${vol.volumeId} is still in use by ${self.instanceId}; if that instance is gone, detach it`),
  )
  const heldAddress = await attachAddress(ec2, ENV, other, quick).then(
    () => 'attached',
    (e: Error) => e.message,
  )
  assert.match(heldAddress, new RegExp(`is still attached to ${self.instanceId}`))
})

test('an instance in another zone is refused before anything is attached, naming both zones', async () => {
  const self = { instanceId: 'i-0123456789abcdef0', zone: `${REGION}b` }
  const refused = await attachVolume(ec2, ENV, self, quick).then(
    () => 'attached',
    (e: Error) => e.message,
  )
  assert.is(
    refused,
    `the volume named drsignet-staging-mongo-data is in ${REGION}a, this instance in ${REGION}b; the database group must launch in its zone (docs/disaster-recovery.md, "lost zone")`,
  )
})

test('no volume of that name: a message that says what to apply', async () => {
  const refused = await attachVolume(ec2, 'production', { instanceId: 'i-0', zone: `${REGION}a` }, quick).then(
    () => 'attached',
    (e: Error) => e.message,
  )
  assert.is(
    refused,
    'expected one volume named drsignet-production-mongo-data, found none; apply the database stack (cloudformation/database.yaml), or see docs/disaster-recovery.md for a lost volume',
  )
})

test('while the database moves zones, the old and the new volume share the name: the one in this zone is taken', async () => {
  await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${REGION}b`,
      Size: 50,
      VolumeType: 'gp3',
      TagSpecifications: tagged('volume', dataVolumeName(ENV)),
    }),
  )
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.31.0.0/16' }))).Vpc!.VpcId!
  const subnetB = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.31.192.0/18', AvailabilityZone: `${REGION}b` }))
  ).Subnet!.SubnetId!
  const self = { instanceId: await instanceIn(`${REGION}b`, subnetB), zone: `${REGION}b` }
  const r = await attachVolume(ec2, ENV, self, quick)
  assert.is(r.action, 'attached')
  const { Volumes } = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [r.volumeId] }))
  assert.is(Volumes![0]!.AvailabilityZone, `${REGION}b`)
})

test.run()
