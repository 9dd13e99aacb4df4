// Alerts to SNS topics found by name, against moto's SNS: what each topic's subscriber receives, names not found, a
// subject SNS would refuse made acceptable, topics past ListTopics' first page (moto on loopback; an HTTP subscriber on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { startMoto, type Moto } from '../harness/moto.ts'
import { snsNotifier } from '../../scripts/lib/aws/notifier.ts'

const region = 'ap-south-1'
let moto: Moto
let sns: SNSClient
let subscriber: Server
// What the HTTP subscriber received, per topic ARN: [subject, message].
const received: [string, string, string][] = []
const arn = (name: string) => `arn:aws:sns:${region}:123456789012:${name}`

test.before(async () => {
  moto = await startMoto()
  sns = new SNSClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  subscriber = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const n = JSON.parse(body) as { TopicArn: string; Subject: string; Message: string }
      received.push([n.TopicArn, n.Subject, n.Message])
      res.end()
    })
  })
  await new Promise<void>((r) => subscriber.listen(0, '127.0.0.1', r))
  const endpoint = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/`
  for (const name of ['drsignet-staging-deployments', 'drsignet-staging-backups', 'staging-deployments']) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }))
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: endpoint }))
  }
})
test.after(async () => {
  subscriber?.close()
  await moto?.stop()
})

test('publishes to each named topic found, and names those it could not find', async () => {
  received.length = 0
  const out = await snsNotifier(sns).publish(['drsignet-staging-deployments', 'drsignet-staging-alarms'], {
    subject: 'staging: deployment of patient-api failed',
    message: 'ValidateService failed on i-0abc\nsee the log',
  })
  assert.equal(out, { published: [arn('drsignet-staging-deployments')], missing: ['drsignet-staging-alarms'] })
  assert.equal(received, [
    [
      arn('drsignet-staging-deployments'),
      'staging: deployment of patient-api failed',
      'ValidateService failed on i-0abc\nsee the log',
    ],
  ])
})

test('a name matches a whole topic name, never the end of a longer one', async () => {
  received.length = 0
  const out = await snsNotifier(sns).publish(['staging-deployments', 'deployments'], { subject: 's', message: 'm' })
  assert.equal(out, { published: [arn('staging-deployments')], missing: ['deployments'] })
  assert.equal(received, [[arn('staging-deployments'), 's', 'm']])
})

test('a subject with line breaks or over 100 characters is sent on one line, cut at 100; the message is whole', async () => {
  received.length = 0
  const long = 'x'.repeat(150)
  await snsNotifier(sns).publish(['drsignet-staging-backups'], {
    subject: `backup failed\r\non staging ${long}`,
    message: long,
  })
  const subject = `backup failed on staging ${long}`.slice(0, 100)
  assert.is(subject.length, 100)
  assert.equal(received, [[arn('drsignet-staging-backups'), subject, long]])
})

test('a topic past the first page of ListTopics (100 topics) is found', async () => {
  for (let i = 0; i < 100; i += 20)
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        sns.send(new CreateTopicCommand({ Name: `other-${String(i + j).padStart(3, '0')}` })),
      ),
    )
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'drsignet-staging-late' }))
  const out = await snsNotifier(sns).publish(['drsignet-staging-late', 'other-099'], { subject: 's', message: 'm' })
  assert.equal(out, { published: [TopicArn!, arn('other-099')], missing: [] })
})

test('no names: nothing published, nothing missing', async () => {
  received.length = 0
  assert.equal(await snsNotifier(sns).publish([], { subject: 's', message: 'm' }), { published: [], missing: [] })
  assert.equal(received, [])
})

test.run()
