// Records that a good backup exists (a CloudWatch metric and a heartbeat object) so an alarm fires past the RPO (I/O: CloudWatch, S3).
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { AwsQueryProtocol } from '@aws-sdk/core/protocols'
import type { BackupStore } from './backup-store.ts'

import { BACKUP_METRIC } from '../config/model.ts'

export const HEARTBEAT_NAMESPACE = BACKUP_METRIC.namespace
export const HEARTBEAT_METRIC = BACKUP_METRIC.name

export type Heartbeat = {
  environment: string
  key: string
  endedAt: string
  documents: number
  compressedBytes: number
}

export interface HeartbeatSink {
  record(beat: Heartbeat): Promise<void>
}

/**
 * One datapoint of BackupSucceeded=1 per good backup (the alarm: Sum < 1 over the RPO, missing data breaching)
 * and the heartbeat object the drill and people can read.
 */
export const backupHeartbeat = (cw: CloudWatchClient, store: BackupStore, heartbeatKey: string): HeartbeatSink => ({
  async record(beat) {
    await store.putJson(heartbeatKey, beat)
    await cw.send(
      new PutMetricDataCommand({
        Namespace: HEARTBEAT_NAMESPACE,
        MetricData: [
          {
            MetricName: HEARTBEAT_METRIC,
            Dimensions: [{ Name: BACKUP_METRIC.dimension, Value: beat.environment }],
            Value: 1,
            Unit: 'Count',
            Timestamp: new Date(beat.endedAt),
          },
        ],
      }),
    )
  },
})

// CloudWatch still speaks the query protocol the SDK used before JSON; local emulators (moto) only speak that one.
export const backupCloudWatch = (region: string) =>
  new CloudWatchClient({ region, protocol: AwsQueryProtocol as never })
