// The DORA keys as CloudWatch metrics against moto: one datapoint per key and scope under the environment, the rate in
// percent, keys without a value left out, more than 1000 datapoints sent in batches (moto on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  type Metric,
} from '@aws-sdk/client-cloudwatch'
import { AwsQueryProtocol } from '@aws-sdk/core/protocols'
import { startMoto, type Moto } from '../harness/moto.ts'
import { cloudWatchDelivery } from '../../scripts/lib/aws/delivery-publisher.ts'
import type { DeliveryMetrics } from '../../scripts/lib/apply/delivery-metrics.ts'

const region = 'ap-south-1'
const at = new Date('2026-12-01T06:00:00.000Z')
let moto: Moto
let cw: CloudWatchClient
// PutMetricData calls the client sent, with their number of datapoints.
const puts: number[] = []

test.before(async () => {
  moto = await startMoto()
  cw = new CloudWatchClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    protocol: AwsQueryProtocol as never,
  })
  cw.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) =>
      (args: { input: { MetricData?: unknown[] } }) => {
        if (ctx.commandName === 'PutMetricDataCommand') puts.push(args.input.MetricData!.length)
        return next(args)
      }) as never,
    { step: 'initialize', name: 'countPuts' },
  )
})
test.after(async () => {
  await moto?.stop()
})

const metrics = (scope: string, over: Partial<DeliveryMetrics> = {}): DeliveryMetrics => ({
  scope,
  deployments: 4,
  perDay: 0.4,
  leadTimeHours: 2.5,
  changeFailureRate: 0.25,
  restoreHours: 1.5,
  incidents: 1,
  ...over,
})

/** Every metric in the namespace for this environment, as "App Name". */
async function listed(environment: string): Promise<string[]> {
  const out: Metric[] = []
  let token: string | undefined
  do {
    const r = await cw.send(new ListMetricsCommand({ Namespace: 'DrSignet/Delivery', NextToken: token }))
    out.push(...(r.Metrics ?? []))
    token = r.NextToken
  } while (token)
  const dim = (m: Metric, name: string) => m.Dimensions?.find((d) => d.Name === name)?.Value
  return out
    .filter((m) => dim(m, 'Environment') === environment)
    .map((m) => `${dim(m, 'App')} ${m.MetricName}`)
    .sort()
}

const value = async (environment: string, app: string, name: string) => {
  const r = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: 'DrSignet/Delivery',
      MetricName: name,
      Dimensions: [
        { Name: 'Environment', Value: environment },
        { Name: 'App', Value: app },
      ],
      StartTime: new Date(at.getTime() - 3_600_000),
      EndTime: new Date(at.getTime() + 3_600_000),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  )
  return (r.Datapoints ?? []).map((d) => [d.Timestamp!.toISOString(), d.Maximum, d.Unit])
}

test('each scope publishes its four keys at the run time; the failure rate as a percentage', async () => {
  puts.length = 0
  const n = await cloudWatchDelivery(cw).publish('staging', [metrics('patient-api'), metrics('all')], at)
  assert.is(n, 8)
  assert.equal(puts, [8])
  assert.equal(await listed('staging'), [
    'all ChangeFailureRate',
    'all DeploymentsPerDay',
    'all LeadTimeHours',
    'all TimeToRestoreHours',
    'patient-api ChangeFailureRate',
    'patient-api DeploymentsPerDay',
    'patient-api LeadTimeHours',
    'patient-api TimeToRestoreHours',
  ])
  assert.equal(await value('staging', 'patient-api', 'ChangeFailureRate'), [[at.toISOString(), 25, 'Percent']])
  assert.equal(await value('staging', 'patient-api', 'DeploymentsPerDay'), [[at.toISOString(), 0.4, 'Count']])
  assert.equal(await value('staging', 'patient-api', 'LeadTimeHours'), [[at.toISOString(), 2.5, 'None']])
  assert.equal(await value('staging', 'patient-api', 'TimeToRestoreHours'), [[at.toISOString(), 1.5, 'None']])
})

test('a key with no value in the window is not published (a rate of 0 is)', async () => {
  const quiet = metrics('doctor-api', {
    leadTimeHours: undefined,
    changeFailureRate: 0,
    restoreHours: undefined,
  })
  assert.is(await cloudWatchDelivery(cw).publish('qa', [quiet], at), 2)
  assert.equal(await listed('qa'), ['doctor-api ChangeFailureRate', 'doctor-api DeploymentsPerDay'])
  assert.equal(await value('qa', 'doctor-api', 'ChangeFailureRate'), [[at.toISOString(), 0, 'Percent']])
})

test('nothing to publish sends nothing', async () => {
  puts.length = 0
  assert.is(await cloudWatchDelivery(cw).publish('qa', [], at), 0)
  assert.equal(puts, [])
})

test('more than 1000 datapoints go in calls of at most 1000, and all arrive', async () => {
  puts.length = 0
  const scopes = Array.from({ length: 260 }, (_, i) => metrics(`app-${String(i).padStart(3, '0')}`))
  assert.is(await cloudWatchDelivery(cw).publish('production', scopes, at), 1040)
  assert.equal(puts, [1000, 40])
  const names = await listed('production')
  assert.is(names.length, 1040)
  assert.equal(names.slice(-2), ['app-259 LeadTimeHours', 'app-259 TimeToRestoreHours'])
})

test.run()
