// Publishes alerts to an environment's SNS topics, found by name so the same code works in any account or emulator (I/O: SNS).
import { ListTopicsCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import { retrying } from './retry.ts'

export type Alert = { subject: string; message: string }

export interface Notifier {
  /** Publishes to every named topic; returns the ARNs it published to and the names it could not find. */
  publish(topicNames: string[], alert: Alert): Promise<{ published: string[]; missing: string[] }>
}

// SNS refuses subjects over 100 characters or with line breaks.
const subjectOf = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 100)

export const snsNotifier = (sns: SNSClient): Notifier => {
  const send = retrying(sns)
  const topicArns = async () => {
    const arns: string[] = []
    let token: string | undefined
    do {
      const r = await send<{ Topics?: { TopicArn?: string }[]; NextToken?: string }>(
        new ListTopicsCommand({ NextToken: token }),
      )
      arns.push(...(r.Topics ?? []).map((t) => t.TopicArn!))
      token = r.NextToken
    } while (token)
    return arns
  }
  return {
    async publish(names, alert) {
      const arns = await topicArns()
      const published: string[] = []
      const missing: string[] = []
      for (const name of names) {
        const arn = arns.find((a) => a.endsWith(`:${name}`))
        if (!arn) {
          missing.push(name)
          continue
        }
        await send(new PublishCommand({ TopicArn: arn, Subject: subjectOf(alert.subject), Message: alert.message }))
        published.push(arn)
      }
      return { published, missing }
    },
  }
}
