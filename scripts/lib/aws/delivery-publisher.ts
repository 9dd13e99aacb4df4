// Publishes the DORA keys as CloudWatch metrics, one datapoint per key and scope, for the environment's dashboard (I/O: CloudWatch).
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch'
import { DELIVERY_METRIC } from '../config/model.ts'
import type { DeliveryMetrics } from '../apply/delivery-metrics.ts'
import { retrying } from './retry.ts'

export interface DeliveryPublisher {
  publish(environment: string, metrics: DeliveryMetrics[], at: Date): Promise<number>
}

/** Metric data for each scope (an app, or 'all'); a key with no value in the window (no deploys, no incidents) is left out. */
export function deliveryData(environment: string, metrics: DeliveryMetrics[], at: Date): MetricDatum[] {
  return metrics.flatMap((m) => {
    const Dimensions = [
      { Name: 'Environment', Value: environment },
      { Name: 'App', Value: m.scope },
    ]
    const keys: [string, number | undefined, MetricDatum['Unit']][] = [
      ['DeploymentsPerDay', m.perDay, 'Count'],
      ['LeadTimeHours', m.leadTimeHours, 'None'],
      ['ChangeFailureRate', m.changeFailureRate === undefined ? undefined : m.changeFailureRate * 100, 'Percent'],
      ['TimeToRestoreHours', m.restoreHours, 'None'],
    ]
    return keys
      .filter(([, v]) => v !== undefined)
      .map(([MetricName, Value, Unit]) => ({ MetricName, Dimensions, Value, Unit, Timestamp: at }))
  })
}

export const cloudWatchDelivery = (cw: CloudWatchClient): DeliveryPublisher => {
  const send = retrying(cw)
  return {
    async publish(environment, metrics, at) {
      const data = deliveryData(environment, metrics, at)
      // PutMetricData takes up to 1000 data points per call.
      for (let i = 0; i < data.length; i += 1000)
        await send(
          new PutMetricDataCommand({ Namespace: DELIVERY_METRIC.namespace, MetricData: data.slice(i, i + 1000) }),
        )
      return data.length
    },
  }
}
