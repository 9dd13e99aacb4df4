// Builds every AWS-backed interface for one environment in one place, from SDK clients (no I/O until used).
import type { Model } from '../config/model.ts'
import { s3ArtifactStore, type ArtifactStore } from './artifact-store.ts'
import { awsClients, type AwsClients } from './clients.ts'
import { codeDeployDeployer, type Deployer } from './deployer.ts'
import { lockKey, s3EnvLock, type EnvLock } from './env-lock.ts'
import { snsNotifier, type Notifier } from './notifier.ts'
import { cfnStackUpdater, type StackUpdater } from './stack-updater.ts'
import { cloudWatchDelivery, type DeliveryPublisher } from './delivery-publisher.ts'

/** Every side effect plan, apply, rollback and drift need; tests hand in these moto-backed or a scripted one. */
export type Services = { stacks: StackUpdater; store: ArtifactStore; lock: EnvLock; deployer: Deployer; notifier: Notifier; delivery: DeliveryPublisher }

export function awsServices(model: Model, opts: { pollMs?: number; clients?: AwsClients; createWithCreateStack?: boolean; roleArn?: string } = {}): Services & { clients: AwsClients } {
  const { env } = model
  const clients = opts.clients ?? awsClients(env.region)
  return {
    clients,
    stacks: cfnStackUpdater(clients.cfn, { pollMs: opts.pollMs, createWithCreateStack: opts.createWithCreateStack, roleArn: opts.roleArn, ssm: clients.ssm }),
    store: s3ArtifactStore(clients.s3, env.buckets.artifacts, env.kms.keyAlias),
    lock: s3EnvLock(clients.s3, env.buckets.artifacts, lockKey(env.name), env.kms.keyAlias),
    deployer: codeDeployDeployer(clients.codedeploy),
    notifier: snsNotifier(clients.sns),
    delivery: cloudWatchDelivery(clients.cloudwatch),
  }
}
