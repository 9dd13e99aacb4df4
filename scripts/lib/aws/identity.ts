// Who is calling AWS: the caller's ARN from STS, for the lock and the audit log (I/O: STS).
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { failsEveryCall, retrying } from './retry.ts'

export async function callerArn(sts: STSClient): Promise<string> {
  try {
    return (await retrying(sts)<{ Arn?: string }>(new GetCallerIdentityCommand({}))).Arn ?? 'unknown'
  } catch (e) {
    // No credentials or no endpoint: say it now, not after the command's first real call.
    if (failsEveryCall(e)) throw e
    // An endpoint without STS (an emulator) still lets the command run; the audit says "unknown".
    return 'unknown'
  }
}
