// A good backup's heartbeat against moto: the object in the backup bucket and one BackupSucceeded datapoint per backup,
// at the backup's end, under its environment, through the query-protocol CloudWatch client (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch'
import { createBuckets, motoS3, startMoto, type Moto } from '../harness/moto.ts'
import { s3BackupStore } from '../../scripts/lib/aws/backup-store.ts'
import {
  backupCloudWatch,
  backupHeartbeat,
  HEARTBEAT_METRIC,
  HEARTBEAT_NAMESPACE,
  type Heartbeat,
} from '../../scripts/lib/aws/backup-heartbeat.ts'

const region = 'ap-south-1'
const bucket = 'drsignet-staging-backups'
let moto: Moto
const saved: Record<string, string | undefined> = {}

test.before(async () => {
  moto = await startMoto()
  // backupCloudWatch builds its client as the backup agent does: from the environment (AWS_ENDPOINT_URL: this moto).
  for (const [k, v] of Object.entries(moto.env)) ((saved[k] = process.env[k]), (process.env[k] = v))
  await createBuckets(motoS3(moto, region), region, [bucket])
})
test.after(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  await moto?.stop()
})

const beat = (environment: string, endedAt: string): Heartbeat => ({
  environment,
  key: `backups/${environment}/${endedAt}.archive.gz`,
  endedAt,
  documents: 12_345,
  compressedBytes: 6_789_000,
})

const sums = async (environment: string) => {
  const r = await backupCloudWatch(region).send(
    new GetMetricStatisticsCommand({
      Namespace: 'DrSignet/Backup',
      MetricName: 'BackupSucceeded',
      Dimensions: [{ Name: 'Environment', Value: environment }],
      StartTime: new Date('2026-12-01T00:00:00Z'),
      EndTime: new Date('2026-12-03T00:00:00Z'),
      Period: 3600,
      Statistics: ['Sum'],
    }),
  )
  // Each hourly datapoint by the hour it falls in: CloudWatch stamps it with the hour, moto with its sample's time.
  return (r.Datapoints ?? [])
    .map((d) => [d.Timestamp!.toISOString().slice(0, 13), d.Sum, d.Unit] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

test('the metric is the one the backup alarm watches', () => {
  assert.equal([HEARTBEAT_NAMESPACE, HEARTBEAT_METRIC], ['DrSignet/Backup', 'BackupSucceeded'])
})

test('each good backup writes the heartbeat object and one datapoint of 1 at its end, for its environment', async () => {
  const store = s3BackupStore(motoS3(moto, region), bucket, 'alias/drsignet-staging')
  const sink = backupHeartbeat(backupCloudWatch(region), store, 'backups/staging/heartbeat.json')
  await sink.record(beat('staging', '2026-12-01T18:30:00.000Z'))
  await sink.record(beat('staging', '2026-12-02T18:30:00.000Z'))
  assert.equal(await store.getJson('backups/staging/heartbeat.json'), beat('staging', '2026-12-02T18:30:00.000Z'))
  assert.equal(await sums('staging'), [
    ['2026-12-01T18', 1, 'Count'],
    ['2026-12-02T18', 1, 'Count'],
  ])
  assert.equal(await sums('production'), [])
  const listed = await backupCloudWatch(region).send(new ListMetricsCommand({ Namespace: 'DrSignet/Backup' }))
  assert.equal(
    listed.Metrics!.map((m) => [m.MetricName, m.Dimensions]),
    [['BackupSucceeded', [{ Name: 'Environment', Value: 'staging' }]]],
  )
})

test('without the heartbeat object written, no datapoint is sent: the alarm never hears of a backup nobody can read', async () => {
  const store = s3BackupStore(motoS3(moto, region), 'drsignet-nowhere-backups', 'alias/drsignet-staging')
  const sink = backupHeartbeat(backupCloudWatch(region), store, 'backups/qa/heartbeat.json')
  const e = await sink.record(beat('qa', '2026-12-01T18:30:00.000Z')).then(
    () => 'recorded',
    (x: Error) => x.name,
  )
  assert.is(e, 'NoSuchBucket')
  assert.equal(await sums('qa'), [])
})

test.run()
