// Turns an unexpected error into the one line a user can act on: the cause and what to do (pure; no stack trace,
// which `--debug` shows instead).
import { isUnreachable, UNREACHABLE_BUDGET_MS } from '../aws/retry.ts'

type Err = {
  name?: string
  code?: string
  message?: string
  address?: string
  port?: number
  hostname?: string
  $metadata?: { httpStatusCode?: number }
}

export function explainError(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const err = (e ?? {}) as Err
  const first = (err.message ?? String(e)).split('\n')[0]!.trim()
  const name = err.name ?? ''
  if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to locate credentials/i.test(first)) {
    return 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run in CodeBuild, whose role provides them'
  }
  // The errors withRetry gives up on within its budget for an endpoint that does not answer.
  if (isUnreachable(e)) {
    const code = err.code ?? name
    const where = err.address
      ? `${err.address}${err.port ? `:${err.port}` : ''}`
      : (err.hostname ?? env.AWS_ENDPOINT_URL ?? 'the AWS endpoint')
    const hint = env.AWS_ENDPOINT_URL
      ? `check AWS_ENDPOINT_URL (${env.AWS_ENDPOINT_URL}) and that the emulator runs`
      : 'check the network and the region'
    return `cannot reach ${where} (${code}), given up after retrying for ${UNREACHABLE_BUDGET_MS / 1000} s: ${hint}`
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(name) || err.$metadata?.httpStatusCode === 403) {
    // AWS names the principal, the action and the resource in the message itself.
    return `access denied: ${first}; the role needs that permission (see cloudformation/pipeline.yaml)`
  }
  if (/Throttl|TooManyRequests|SlowDown|RequestLimitExceeded/.test(name))
    return `AWS kept throttling (${name}) after every retry: run again in a few minutes`
  return `${name && name !== 'Error' ? `${name}: ` : ''}${first} (run again with --debug for the stack trace)`
}
