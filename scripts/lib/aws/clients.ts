// Builds the SDK clients apply, plan and rollback use, for one region; AWS_ENDPOINT_URL points them all at an emulator (no I/O until used).
import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { AwsQueryProtocol } from '@aws-sdk/core/protocols'
import { CodeDeployClient } from '@aws-sdk/client-codedeploy'
import { S3Client } from '@aws-sdk/client-s3'
import { SNSClient } from '@aws-sdk/client-sns'
import { SSMClient } from '@aws-sdk/client-ssm'
import { STSClient } from '@aws-sdk/client-sts'

export type AwsClients = {
  s3: S3Client
  cfn: CloudFormationClient
  codedeploy: CodeDeployClient
  sns: SNSClient
  sts: STSClient
  ssm: SSMClient
  cloudwatch: CloudWatchClient
}

/**
 * What every client shares. Our own withRetry backs off on throttling with more patience than the SDK's 3 attempts; a
 * connection that does not open in 5 s is an endpoint that will not answer (withRetry gives it 15 s in all). profile:
 * a named profile of the shared config, for a command that acts in two accounts (promote); the default chain otherwise.
 */
export const clientConfig = (region: string, profile?: string) => ({
  region,
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 5_000 },
  ...(profile && { profile }),
})

export function awsClients(region: string, profile?: string): AwsClients {
  // The SDK reads AWS_ENDPOINT_URL itself; an emulator needs path-style bucket addressing.
  const local = !!(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL)
  const common = clientConfig(region, profile)
  return {
    s3: new S3Client({ ...common, forcePathStyle: local }),
    cfn: new CloudFormationClient(common),
    codedeploy: new CodeDeployClient(common),
    sns: new SNSClient(common),
    sts: new STSClient(common),
    ssm: new SSMClient(common),
    // CloudWatch still speaks the query protocol the SDK used before JSON; local emulators (moto) only speak that one.
    cloudwatch: new CloudWatchClient({ ...common, protocol: AwsQueryProtocol as never }),
  }
}
