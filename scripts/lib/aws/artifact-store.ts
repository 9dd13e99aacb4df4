// An SSE-KMS object store over one bucket: the artifacts bucket (revision bundles, releases, deployment state, the audit
// log) and the database hosts' secrets (credentials.ts) (I/O: S3).
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { errorName, httpStatus, retrying } from './retry.ts'

export type PutResult = { eTag?: string; versionId?: string }

export interface ArtifactStore {
  readonly bucket: string
  put(key: string, body: Buffer | string, contentType: string): Promise<PutResult>
  /** Writes only when no object has this key (If-None-Match: *): false when one exists, whatever its bytes. */
  create(key: string, body: Buffer | string, contentType: string): Promise<boolean>
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>
  head(key: string): Promise<PutResult | undefined>
  list(prefix: string): Promise<string[]>
}

// A missing bucket is a 404 too, but no answer: a mistyped or deleted bucket must not read as "nothing published".
// (HEAD has no body, so S3 cannot say which is missing there; a GET or a write names NoSuchBucket.)
const missing = (e: unknown) =>
  errorName(e) !== 'NoSuchBucket' && (['NoSuchKey', 'NotFound'].includes(errorName(e)) || httpStatus(e) === 404)

export const s3ArtifactStore = (s3: S3Client, bucket: string, kmsKey: string): ArtifactStore => {
  const send = retrying(s3)
  return {
    bucket,
    async put(key, body, contentType) {
      const r = await send<{ ETag?: string; VersionId?: string }>(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: kmsKey,
        }),
      )
      return { eTag: r.ETag?.replace(/"/g, ''), versionId: r.VersionId }
    },
    async create(key, body, contentType) {
      for (let attempt = 1; ; attempt++) {
        try {
          await send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentType: contentType,
              IfNoneMatch: '*',
              ServerSideEncryption: 'aws:kms',
              SSEKMSKeyId: kmsKey,
            }),
          )
          return true
        } catch (e) {
          if (errorName(e) === 'PreconditionFailed' || httpStatus(e) === 412) return false
          // 409: another conditional write to this key is in flight; once it lands, asking again gives 412 or 200.
          if (httpStatus(e) !== 409 || attempt === 6) throw e
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt))
        }
      }
    },
    async get(key) {
      try {
        const r = await send<{ Body?: { transformToByteArray(): Promise<Uint8Array> } }>(
          new GetObjectCommand({ Bucket: bucket, Key: key }),
        )
        return Buffer.from(await r.Body!.transformToByteArray())
      } catch (e) {
        if (missing(e)) return undefined
        throw e
      }
    },
    async head(key) {
      try {
        const r = await send<{ ETag?: string; VersionId?: string }>(new HeadObjectCommand({ Bucket: bucket, Key: key }))
        return { eTag: r.ETag?.replace(/"/g, ''), versionId: r.VersionId }
      } catch (e) {
        if (missing(e)) return undefined
        throw e
      }
    },
    async list(prefix) {
      const keys: string[] = []
      let token: string | undefined
      do {
        const r = await send<{ Contents?: { Key?: string }[]; IsTruncated?: boolean; NextContinuationToken?: string }>(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        )
        keys.push(...(r.Contents ?? []).map((o) => o.Key!))
        token = r.IsTruncated ? r.NextContinuationToken : undefined
      } while (token)
      return keys.sort()
    },
  }
}
