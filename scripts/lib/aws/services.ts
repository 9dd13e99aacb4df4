// Builds every AWS-backed interface for one environment in one place, from SDK clients (no I/O until used).
import type { Model } from '../config/model.ts'
import { s3ArtifactStore, type ArtifactStore } from './artifact-store.ts'
import { awsClients, type AwsClients } from './clients.ts'
import { codeDeployDeployer, type Deployer } from './deployer.ts'
import { lockKey, s3EnvLock, type EnvLock } from './env-lock.ts'
import { snsNotifier, type Notifier } from './notifier.ts'
import { cfnStackUpdater, type StackUpdater } from './stack-updater.ts'
import { cloudWatchDelivery, type DeliveryPublisher } from './delivery-publisher.ts'
import { emulatorDeployer, emulatorStackUpdater } from './emulator.ts'

/** Every side effect plan, apply, rollback and drift need; tests hand in these moto-backed or a scripted one. */
export type Services = {
  stacks: StackUpdater
  store: ArtifactStore
  lock: EnvLock
  deployer: Deployer
  notifier: Notifier
  delivery: DeliveryPublisher
}

/** `emulator`: the endpoint is an emulator (moto), whose gaps emulator.ts works around; never set against AWS. */
export function awsServices(
  model: Model,
  opts: { pollMs?: number; clients?: AwsClients; emulator?: boolean; roleArn?: string } = {},
): Services & { clients: AwsClients } {
  const { env } = model
  const clients = opts.clients ?? awsClients(env.region)
  const stacks = cfnStackUpdater(clients.cfn, { pollMs: opts.pollMs, roleArn: opts.roleArn, ssm: clients.ssm })
  const deployer = codeDeployDeployer(clients.codedeploy)
  return {
    clients,
    stacks: opts.emulator ? emulatorStackUpdater(stacks, clients.cfn, opts.roleArn) : stacks,
    store: s3ArtifactStore(clients.s3, env.buckets.artifacts, env.kms.keyAlias),
    lock: s3EnvLock(clients.s3, env.buckets.artifacts, lockKey(env.name), env.kms.keyAlias),
    deployer: opts.emulator ? emulatorDeployer(deployer) : deployer,
    notifier: snsNotifier(clients.sns),
    delivery: cloudWatchDelivery(clients.cloudwatch),
  }
}
