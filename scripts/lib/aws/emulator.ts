// What an AWS emulator (moto, on loopback: the tests, bench:pipeline, a newcomer's first apply) does differently, kept
// out of the production adapters: wrappers that the wiring puts around them only when an endpoint override is set.
import { CreateStackCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation'
import type { Deployer } from './deployer.ts'
import { errorName, httpStatus, isUnparsable, retrying } from './retry.ts'
import { CAPABILITIES, input, type StackUpdater } from './stack-updater.ts'

/**
 * moto (5.2) registers a stack's Outputs as exports only through CreateStack, not when a CREATE change set executes, so
 * later stacks' Fn::ImportValue fail there. A new stack is still previewed by its change set, then created with
 * CreateStack; updates execute their change sets as on AWS.
 */
export function emulatorStackUpdater(base: StackUpdater, cfn: CloudFormationClient, roleArn?: string): StackUpdater {
  const send = retrying(cfn)
  return {
    ...base,
    async execute(spec, cs) {
      if (cs.type !== 'CREATE') return base.execute(spec, cs)
      await base.deleteChangeSet(spec.stack, cs.id, cs.type)
      await send(new CreateStackCommand({ ...input(spec, roleArn), Capabilities: CAPABILITIES }))
    },
  }
}

// An operation the emulator lacks: moto answers with an HTML error page (a SyntaxError to the SDK), others with
// UnknownOperation or NotImplemented.
const unsupported = (e: unknown) =>
  ['UnknownOperationException', 'NotImplementedError', 'NotImplemented', 'InvalidAction'].includes(errorName(e)) ||
  (isUnparsable(e) && httpStatus(e) >= 404) ||
  /not (yet )?implemented/i.test((e as Error).message ?? '')

/** CodeDeploy on moto has no RegisterApplicationRevision or deployment targets: say so instead of failing. */
export function emulatorDeployer(base: Deployer): Deployer {
  return {
    ...base,
    async register(application, bundle, description) {
      try {
        return await base.register(application, bundle, description)
      } catch (e) {
        if (unsupported(e)) return false
        throw e
      }
    },
    async instances(id) {
      try {
        return await base.instances(id)
      } catch (e) {
        if (unsupported(e)) return undefined
        throw e
      }
    },
  }
}
