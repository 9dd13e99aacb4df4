// Opening a CodeCommit pull request: the request sent, the id returned, an answer without one, a throttled call asked
// again with the same token (no I/O: a scripted client at the SDK's send, since moto has no CodeCommit pull requests).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CodeCommitClient } from '@aws-sdk/client-codecommit'
import { codeCommitPullRequests, type PullRequestInput } from '../../scripts/lib/aws/pull-requests.ts'

const input: PullRequestInput = {
  repository: 'drsignet-platform',
  source: 'promote/patient-api-1.15.0',
  target: 'production',
  title: 'Promote patient-api 1.15.0 to production',
  description: 'staging runs patient-api 1.15.0 since 2026-12-01',
  token: 'promote-patient-api-1.15.0-0f1e2d3c',
}

function scripted(answers: (() => unknown)[]) {
  const sent: [string, unknown][] = []
  const client = {
    send: async (c: { constructor: { name: string }; input: unknown }) => {
      sent.push([c.constructor.name, c.input])
      return answers.shift()!()
    },
  }
  return { sent, prs: codeCommitPullRequests(client as unknown as CodeCommitClient) }
}

const request = {
  title: 'Promote patient-api 1.15.0 to production',
  description: 'staging runs patient-api 1.15.0 since 2026-12-01',
  clientRequestToken: 'promote-patient-api-1.15.0-0f1e2d3c',
  targets: [
    {
      repositoryName: 'drsignet-platform',
      sourceReference: 'promote/patient-api-1.15.0',
      destinationReference: 'production',
    },
  ],
}

test('opens a pull request from the source branch into the target with the client token, and gives its id', async () => {
  const { sent, prs } = scripted([() => ({ pullRequest: { pullRequestId: '42', title: 'x' } })])
  assert.is(await prs.open(input), '42')
  assert.equal(sent, [['CreatePullRequestCommand', request]])
})

test('an answer without a pull request id is an error naming both branches', async () => {
  const { prs } = scripted([() => ({ pullRequest: {} })])
  const e = await prs.open(input).catch((x: Error) => x.message)
  assert.is(e, 'CodeCommit opened no pull request for promote/patient-api-1.15.0 into production')
})

test('a throttled call is sent again with the same token, so it can only ever open one pull request', async () => {
  const throttled = Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  })
  const { sent, prs } = scripted([
    () => {
      throw throttled
    },
    () => ({ pullRequest: { pullRequestId: '43' } }),
  ])
  assert.is(await prs.open(input), '43')
  assert.equal(sent, [
    ['CreatePullRequestCommand', request],
    ['CreatePullRequestCommand', request],
  ])
})

test("CodeCommit's refusal is passed on as it is", async () => {
  const refused = Object.assign(new Error('Source and destination references must be different'), {
    name: 'SourceAndDestinationAreSameException',
    $metadata: { httpStatusCode: 400 },
  })
  const { sent, prs } = scripted([
    () => {
      throw refused
    },
  ])
  assert.is(await prs.open(input).catch((x: Error) => x), refused)
  assert.is(sent.length, 1)
})

test.run()
