// Where backups live: S3 with SSE-KMS, multipart uploads that abort on failure, listings and JSON objects (I/O: S3).
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { Transform, type Readable } from 'node:stream'

export type StoredObject = { key: string; size: number; lastModified: Date }

export interface BackupStore {
  readonly bucket: string
  /**
   * Streams `body` to `key` (multipart, SSE-KMS); on any failure the partial upload is aborted and this rejects.
   * `expectedBytes` (an upper estimate of the body's size) sizes the parts: small for memory, large enough for S3's part limit.
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
 * would otherwise hold a backup until systemd's timeout, which is the RPO.
 */
export function backupS3Client(region: string, extra: S3ClientConfig = {}): S3Client {
  const local = !!(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL)
  return new S3Client({
    region,
    forcePathStyle: local,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    ...extra,
  })
}

/** No byte moved to S3 for this long aborts an upload (BACKUP_STALL_SECONDS overrides). */
export const stallMs = (env: NodeJS.ProcessEnv = process.env) => {
  const s = Number(env.BACKUP_STALL_SECONDS)
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000
}

export class UploadStalled extends Error {}

const MiB = 1024 * 1024
const MIN_PART = 5 * MiB // S3's smallest part
const MAX_PARTS = 10_000 // S3's most parts per upload
const DEFAULT_PART = 8 * MiB // when the size is unknown: objects up to 78 GiB

/**
 * The part size for a body of about `expectedBytes`: the smallest that S3 allows, since memory is about
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
  opts: { partSize?: number; stallMs?: number } = {},
): BackupStore => ({
  bucket,

  async upload(key, body, { expectedBytes, onProgress } = {}) {
    // The stall detector: bytes read from the source or sent to S3 count as movement; silence for stallMs aborts.
    let moved = Date.now()
    const limit = opts.stallMs ?? stallMs()
    // A transform in the pipe notes each chunk as it passes; a 'data' listener would switch the body to flowing mode
    // before the upload reads it, and lose chunks.
    const counted = new Transform({
      transform(chunk, _enc, done) {
        moved = Date.now()
        done(null, chunk)
      },
    })
    body.on('error', (e) => counted.destroy(e))
    body.pipe(counted)
    const up = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: key,
        Body: counted,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKey,
        ContentType: 'application/octet-stream',
      },
      partSize: opts.partSize ?? partSizeFor(expectedBytes),
      queueSize: 2, // memory stays at about partSize × (queueSize + 1) whatever the data size
      leavePartsOnError: false,
    })
    up.on('httpUploadProgress', (p) => {
      moved = Date.now()
      if (onProgress && p.loaded !== undefined) onProgress(p.loaded)
    })
    let stalled: UploadStalled | undefined
    const watch = setInterval(
      () => {
        if (stalled || Date.now() - moved < limit) return
        stalled = new UploadStalled(
          `no byte moved to s3://${bucket}/${key} for ${Math.round(limit / 1000)} s (the endpoint accepts but does not answer); the upload was aborted`,
        )
        // The request in flight does not hear the abort (lib-storage passes it no signal): the upload rejects now, and
        // the CLI exits once it has reported, whatever socket is still open (scripts/ops.ts).
        void up.abort().catch(() => {})
      },
      Math.min(1000, limit / 4),
    )
    try {
      await up.done()
      if (stalled) throw stalled
    } catch (e) {
      await up.abort().catch(() => {})
      body.destroy()
      counted.destroy()
      throw stalled ?? e
    } finally {
      clearInterval(watch)
    }
  },

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
