// Opens a pull request in CodeCommit: the one way a promotion reaches the protected branch, through a manager's
// approval (I/O: CodeCommit).
import { CodeCommitClient, CreatePullRequestCommand } from '@aws-sdk/client-codecommit'
import { retrying } from './retry.ts'

export type PullRequestInput = {
  repository: string
  source: string
  target: string
  title: string
  description: string
  token: string
}

export interface PullRequests {
  /** The new pull request's id; the same token twice gives the same pull request (CodeCommit's idempotency). */
  open(input: PullRequestInput): Promise<string>
}

export const codeCommitPullRequests = (client: CodeCommitClient): PullRequests => {
  const send = retrying(client)
  return {
    async open(i) {
      const r = await send<{ pullRequest?: { pullRequestId?: string } }>(
        new CreatePullRequestCommand({
          title: i.title,
          description: i.description,
          clientRequestToken: i.token,
          targets: [{ repositoryName: i.repository, sourceReference: i.source, destinationReference: i.target }],
        }),
      )
      const id = r.pullRequest?.pullRequestId
      if (!id) throw new Error(`CodeCommit opened no pull request for ${i.source} into ${i.target}`)
      return id
    },
  }
}
