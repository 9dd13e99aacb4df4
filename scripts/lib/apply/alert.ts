// The SNS alert for a failed deployment: what failed, where, why, and the script's log tail (pure).
import type { Followed } from './follow.ts'

export type AlertInput = {
  environment: string
  app: string
  version: string
  revision: string
  commit: string
  who: string
  followed: Followed
}

const TAIL_LINES = 40

export function deploymentAlert(a: AlertInput): { subject: string; message: string } {
  const { state, failure } = a.followed
  const where = failure ? ` at ${failure.event} on ${failure.instanceId}` : ''
  const lines = [
    `Deployment ${state.id} of ${a.app} ${a.version} to ${a.environment} ${state.status.toLowerCase()}${where}.`,
    '',
    `revision: ${a.revision}`,
    `commit: ${a.commit}`,
    `started by: ${a.who}`,
    `instances: ${state.overview.Succeeded} succeeded, ${state.overview.Failed} failed, ${state.overview.Pending + state.overview.InProgress} not finished`,
  ]
  if (state.error) lines.push(`error: ${state.error.code}: ${state.error.message}`)
  if (failure?.diagnostics) {
    const d = failure.diagnostics
    lines.push(
      `error code: ${d.errorCode}`,
      `script: ${d.scriptName}`,
      `message: ${d.message}`,
      '',
      'log tail:',
      ...d.logTail
        .split('\n')
        .slice(-TAIL_LINES)
        .map((l) => `  ${l}`),
    )
  } else if (failure) {
    lines.push('no diagnostics were returned for the failing event')
  }
  lines.push('', 'CodeDeploy rolls the instances back automatically (DEPLOYMENT_FAILURE).')
  return { subject: `[${a.environment}] ${a.app} deployment failed${where}`, message: lines.join('\n') + '\n' }
}
