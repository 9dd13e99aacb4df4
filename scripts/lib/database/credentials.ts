// The database users' passwords in the secrets bucket (SSE-KMS): read them, or make each once. A second host racing
// the first loses the If-None-Match race and reads the winner's, as with the database CA (I/O: S3).
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
  const get = async (key: string): Promise<string | undefined> => {
    try {
      const r = await send<{ Body?: { transformToString(): Promise<string> } }>(new GetObjectCommand({ Bucket: at.bucket, Key: key }))
      return await r.Body!.transformToString()
    } catch (e) {
      if (missing(e)) return undefined
      throw e
    }
  }
  const put = (key: string, body: string, onlyIfNew: boolean) =>
    send(new PutObjectCommand({ Bucket: at.bucket, Key: key, Body: body, ContentType: 'text/plain', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: at.kmsKey, ...(onlyIfNew ? { IfNoneMatch: '*' } : {}) }))
  return {
    /** The password kept at `key`, made there first if there is none; `created` says which. */
    async password(key: string): Promise<{ password: string; created: boolean }> {
      const existing = (await get(key))?.trim()
      if (existing) return { password: existing, created: false }
      const password = newPassword()
      try {
        await put(key, `${password}\n`, true)
        return { password, created: true }
      } catch (e) {
        if (!lostRace(e)) throw e
        const winner = (await get(key))?.trim()
        if (!winner) throw new Error(`s3://${at.bucket}/${key} appeared while making it but is empty; delete it and deploy again`)
        return { password: winner, created: false }
      }
    },
    /** Writes `body` at `key` unless it already holds exactly that; says whether it wrote. */
    async write(key: string, body: string): Promise<boolean> {
      if ((await get(key)) === body) return false
      await put(key, body, false)
      return true
    },
  }
}
export type SecretsStore = ReturnType<typeof secretsStore>
