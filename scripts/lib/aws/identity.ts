// Who is calling AWS, and in which account: from STS, for the account guard, the lock and the audit log (I/O: STS).
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { InputError } from '../cli/errors.ts'
import { explainError } from '../cli/explain-error.ts'
import { failsEveryCall, retrying } from './retry.ts'

export type Caller = { arn: string; account: string }

export async function callerIdentity(sts: STSClient): Promise<Caller> {
  let why = 'it gave no account'
  try {
    const r = await retrying(sts)<{ Arn?: string; Account?: string }>(new GetCallerIdentityCommand({}))
    if (r.Arn && r.Account) return { arn: r.Arn, account: r.Account }
  } catch (e) {
    // No credentials or no endpoint: say so (explain-error.ts words it), not after the command's first real call.
    if (failsEveryCall(e)) throw e
    why = explainError(e).replace(/ \(run again with --debug for the stack trace\)$/, '')
  }
  // The account guard never passes on nothing: without the caller's account the command changes nothing.
  throw new InputError(
    `cannot tell which AWS account these credentials are for (STS GetCallerIdentity: ${why}): nothing was changed; check the credentials and the endpoint`,
  )
}

/** Why these credentials must not act on this environment, or undefined when the accounts match (pure). */
export function wrongAccount(env: { name: string; account: string }, caller: Caller): string | undefined {
  if (caller.account === env.account) return undefined
  return `environment ${env.name} is account ${env.account}; these credentials (${caller.arn}) are for ${caller.account}: nothing was changed; use credentials for ${env.account}`
}

/** The guard every command that talks to AWS for an environment runs first: the caller, or exit 1 before any change. */
export async function callerInAccount(sts: STSClient, env: { name: string; account: string }): Promise<Caller> {
  const caller = await callerIdentity(sts)
  const wrong = wrongAccount(env, caller)
  if (wrong) throw new InputError(wrong)
  return caller
}
