// The environment lock: one S3 object created with a conditional write (If-None-Match: *), so two applies never run at once (I/O: S3).
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { errorName, httpStatus, retrying } from './retry.ts'

export type LockRecord = { holder: string; commit: string; acquiredAt: string; ttlSeconds: number; token: string }

export interface EnvLock {
  readonly where: string
  /** Creates the lock object; when it exists already, returns who holds it instead. */
  tryAcquire(record: LockRecord): Promise<{ acquired: true } | { acquired: false; held: LockRecord | undefined }>
  read(): Promise<LockRecord | undefined>
  /** Deletes the lock object whoever holds it (--force-unlock, or our own release). */
  clear(): Promise<void>
}

export class MissingBucketError extends Error {}

/** One lock per environment, in its artifacts bucket. */
export const lockKey = (env: string) => `locks/${env}.json`

export const s3EnvLock = (s3: S3Client, bucket: string, key: string, kmsKey: string): EnvLock => {
  const send = retrying(s3)
  const read = async (): Promise<LockRecord | undefined> => {
    try {
      const r = await send<{ Body?: { transformToString(): Promise<string> } }>(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      )
      return JSON.parse(await r.Body!.transformToString()) as LockRecord
    } catch (e) {
      if (errorName(e) === 'NoSuchBucket') throw new MissingBucketError(`bucket ${bucket} does not exist`)
      if (errorName(e) === 'NoSuchKey' || httpStatus(e) === 404) return undefined
      throw e
    }
  }
  return {
    where: `s3://${bucket}/${key}`,
    read,
    async tryAcquire(record) {
      try {
        await send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: JSON.stringify(record, null, 2) + '\n',
            ContentType: 'application/json',
            IfNoneMatch: '*',
            ServerSideEncryption: 'aws:kms',
            SSEKMSKeyId: kmsKey,
          }),
        )
        return { acquired: true }
      } catch (e) {
        if (errorName(e) === 'NoSuchBucket') throw new MissingBucketError(`bucket ${bucket} does not exist`)
        // 412: someone else created it first; 409: a concurrent conditional write is in flight.
        if (errorName(e) === 'PreconditionFailed' || httpStatus(e) === 412 || httpStatus(e) === 409)
          return { acquired: false, held: await read() }
        throw e
      }
    },
    async clear() {
      await send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
    },
  }
}
