// Builds every AWS-backed interface for one environment in one place, from SDK clients (no I/O until used).
import type { Model } from '../config/model.ts'
import type { Services } from '../apply/services.ts'
import { keys } from '../apply/state.ts'
import { s3ArtifactStore } from './artifact-store.ts'
import { awsClients, type AwsClients } from './clients.ts'
import { codeDeployDeployer } from './deployer.ts'
import { s3EnvLock } from './env-lock.ts'
import { snsNotifier } from './notifier.ts'
import { cfnStackUpdater } from './stack-updater.ts'

export function awsServices(model: Model, opts: { pollMs?: number; clients?: AwsClients; createWithCreateStack?: boolean; roleArn?: string } = {}): Services & { clients: AwsClients } {
  const { env } = model
  const clients = opts.clients ?? awsClients(env.region)
  return {
    clients,
    stacks: cfnStackUpdater(clients.cfn, { pollMs: opts.pollMs, createWithCreateStack: opts.createWithCreateStack, roleArn: opts.roleArn }),
    store: s3ArtifactStore(clients.s3, env.buckets.artifacts, env.kms.keyAlias),
    lock: s3EnvLock(clients.s3, env.buckets.artifacts, keys.lock(env.name), env.kms.keyAlias),
    deployer: codeDeployDeployer(clients.codedeploy),
    notifier: snsNotifier(clients.sns),
  }
}
