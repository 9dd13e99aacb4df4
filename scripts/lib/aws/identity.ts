// Who is calling AWS: the caller's ARN from STS, for the lock and the audit log (I/O: STS).
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { retrying } from './retry.ts'

export async function callerArn(sts: STSClient): Promise<string> {
  try {
    return (await retrying(sts)<{ Arn?: string }>(new GetCallerIdentityCommand({}))).Arn ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
