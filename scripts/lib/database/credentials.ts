// What the database hosts keep in the secrets bucket (SSE-KMS): the users' passwords, made once (a second host racing
// the first loses the If-None-Match race and reads the winner's), and the database CA through the same calls (I/O: S3).
import { randomBytes } from 'node:crypto'
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { errorName, httpStatus, retrying } from '../aws/retry.ts'

export type SecretsAt = { bucket: string; kmsKey: string }

/** 32 random bytes as URL-safe base64: nothing a connection string or a shell would need to quote. */
export const newPassword = () => randomBytes(32).toString('base64url')

const missing = (e: unknown) => ['NoSuchKey', 'NotFound'].includes(errorName(e)) || httpStatus(e) === 404
const lostRace = (e: unknown) => httpStatus(e) === 412 || errorName(e) === 'PreconditionFailed'

export function secretsStore(s3: S3Client, at: SecretsAt) {
  const send = retrying(s3)
  const put = (key: string, body: string, contentType: string, onlyIfNew: boolean) =>
    send(new PutObjectCommand({ Bucket: at.bucket, Key: key, Body: body, ContentType: contentType, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: at.kmsKey, ...(onlyIfNew ? { IfNoneMatch: '*' } : {}) }))
  const store = {
    /** The object's text, or undefined when there is none. */
    async read(key: string): Promise<string | undefined> {
      try {
        const r = await send<{ Body?: { transformToString(): Promise<string> } }>(new GetObjectCommand({ Bucket: at.bucket, Key: key }))
        return await r.Body!.transformToString()
      } catch (e) {
        if (missing(e)) return undefined
        throw e
      }
    },
    /** Writes `body` at `key` only if there is nothing there yet (If-None-Match); false when another writer was first. */
    async createOnce(key: string, body: string, contentType = 'text/plain'): Promise<boolean> {
      try {
        await put(key, body, contentType, true)
        return true
      } catch (e) {
        if (lostRace(e)) return false
        throw e
      }
    },
    /** The password kept at `key`, made there first if there is none; `created` says which. */
    async password(key: string): Promise<{ password: string; created: boolean }> {
      const existing = (await store.read(key))?.trim()
      if (existing) return { password: existing, created: false }
      const password = newPassword()
      if (await store.createOnce(key, `${password}\n`)) return { password, created: true }
      const winner = (await store.read(key))?.trim()
      if (!winner) throw new Error(`s3://${at.bucket}/${key} appeared while making it but is empty; delete it and deploy again`)
      return { password: winner, created: false }
    },
    /** Writes `body` at `key` unless it already holds exactly that; says whether it wrote. */
    async write(key: string, body: string): Promise<boolean> {
      if ((await store.read(key)) === body) return false
      await put(key, body, 'text/plain', false)
      return true
    },
  }
  return store
}
export type SecretsStore = ReturnType<typeof secretsStore>
