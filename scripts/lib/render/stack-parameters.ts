// The environment's stack catalogue: every CloudFormation stack to deploy (template, parameters, tags), in an order
// that deploys one at a time; each kind of stack is built in render/stacks/ (pure, no I/O).
import type { Model } from '../config/model.ts'
import { alarmStack } from './stacks/alarm.ts'
import { appStack, releaseStack, rulePriorities, targetGroupStack } from './stacks/app.ts'
import type { StackInstance } from './stacks/common.ts'
import {
  backupAgentStack,
  databaseStack,
  dataStack,
  deployStack,
  governanceStack,
  loadBalancerStack,
  monitoringStack,
  networkStack,
  pipelineStack,
  repositoriesStack,
  securityStack,
  topicStacksOf,
  vpnStack,
} from './stacks/environment.ts'
import { instanceGroupStack } from './stacks/instance-group.ts'

export type { StackInstance } from './stacks/common.ts'

/** Every stack of one environment, in an order that deploys one at a time (apply/stack-graph.ts finds what may run side by side). */
export function stackInstances(model: Model): StackInstance[] {
  const { env, apps } = model
  const priorities = rulePriorities(apps)
  return [
    dataStack(env),
    networkStack(env),
    securityStack(env),
    vpnStack(env),
    databaseStack(env),
    ...apps.map((a) => targetGroupStack(env, a)),
    ...env.instanceGroups.map((g) => instanceGroupStack(env, g, apps)),
    loadBalancerStack(env, apps),
    deployStack(env),
    ...topicStacksOf(env),
    monitoringStack(env),
    governanceStack(env),
    repositoriesStack(env),
    pipelineStack(env),
    backupAgentStack(env),
    ...env.alarms.map((a) => alarmStack(env, a)),
    ...apps.map((a) => appStack(env, a, priorities.get(a.name) ?? 0)),
    ...apps.map((a) => releaseStack(env, a)),
  ]
}
