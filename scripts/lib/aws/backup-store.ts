// Where backups live: S3 with SSE-KMS, spooled multipart uploads that abort on failure, listings and JSON objects (I/O: S3).
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { tmpdir } from 'node:os'
import type { Readable } from 'node:stream'
import { spooledUpload } from './spooled-upload.ts'

export type StoredObject = { key: string; size: number; lastModified: Date }

export interface BackupStore {
  readonly bucket: string
  /**
   * Streams `body` to `key` (multipart through part files on disk, SSE-KMS); on any failure the partial upload is
   * aborted and this rejects. `expectedBytes` (an upper estimate of the body's size) sizes the parts: small for the
   * spool, large enough for S3's part limit.
   */
  upload(
    key: string,
    body: Readable,
    opts?: { expectedBytes?: number; onProgress?: (bytes: number) => void },
  ): Promise<void>
  putJson(key: string, value: unknown): Promise<void>
  /** The parsed object, or undefined when there is no such key. */
  getJson(key: string): Promise<unknown | undefined>
  download(key: string): Promise<Readable>
  list(prefix: string): Promise<StoredObject[]>
  delete(keys: string[]): Promise<void>
}

/**
 * An S3 client for the region; AWS_ENDPOINT_URL (read by the SDK itself) points it at a local emulator, path-style.
 * A connection must open within 5 s and a socket may sit idle 60 s at most: an endpoint that accepts and never answers
 * would otherwise hold a backup until systemd's timeout, which is the RPO. The SDK's logger is silent, as by default,
 * except that the SDK would otherwise print a warning of its own for each failed part (it cannot resend a streamed
 * body); the spooled upload resends the part from its file and says so itself.
 */
export function backupS3Client(region: string, extra: S3ClientConfig = {}): S3Client {
  const local = !!(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL)
  return new S3Client({
    region,
    forcePathStyle: local,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    ...extra,
  })
}

/** No byte moved to S3 for this long aborts an upload (BACKUP_STALL_SECONDS overrides). */
export const stallMs = (env: NodeJS.ProcessEnv = process.env) => {
  const s = Number(env.BACKUP_STALL_SECONDS)
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000
}

const MiB = 1024 * 1024
const MIN_PART = 5 * MiB // S3's smallest part
const MAX_PARTS = 10_000 // S3's most parts per upload
const DEFAULT_PART = 8 * MiB // when the size is unknown: objects up to 78 GiB

/**
 * The part size for a body of about `expectedBytes`: the smallest that S3 allows, since the spool on disk holds
 * partSize × (queueSize + 1), unless the estimate (with room for growth during the backup) needs fewer, larger parts.
 */
export function partSizeFor(expectedBytes?: number): number {
  if (expectedBytes === undefined || !Number.isFinite(expectedBytes) || expectedBytes < 0) return DEFAULT_PART
  return Math.max(MIN_PART, Math.ceil((expectedBytes * 1.25) / MAX_PARTS / MiB) * MiB)
}

export const s3BackupStore = (
  s3: S3Client,
  bucket: string,
  kmsKey: string,
  opts: { partSize?: number; stallMs?: number; spoolDir?: string } = {},
): BackupStore => ({
  bucket,

  upload: (key, body, { expectedBytes, onProgress } = {}) =>
    spooledUpload(s3, body, {
      bucket,
      key,
      kmsKey,
      partSize: opts.partSize ?? partSizeFor(expectedBytes),
      queueSize: 2, // two parts in flight keep S3's round trips from holding the backup back
      spoolDir: opts.spoolDir ?? tmpdir(),
      stallMs: opts.stallMs ?? stallMs(),
      onProgress,
    }),

  async putJson(key, value) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value, null, 2) + '\n',
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKey,
      }),
    )
  },

  async getJson(key) {
    try {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      return JSON.parse(await r.Body!.transformToString())
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return undefined
      throw e
    }
  },

  async download(key) {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return r.Body as Readable
  },

  async list(prefix) {
    const out: StoredObject[] = []
    let token: string | undefined
    do {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      for (const o of r.Contents ?? [])
        out.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) })
      token = r.IsTruncated ? r.NextContinuationToken : undefined
    } while (token)
    return out
  },

  async delete(keys) {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000)
      const r = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      )
      if (r.Errors?.length)
        throw new Error(`could not delete ${r.Errors.map((e) => `${e.Key}: ${e.Message}`).join('; ')}`)
    }
  },
})
