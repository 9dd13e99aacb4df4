// What the database hosts keep in the secrets bucket (SSE-KMS): the users' passwords, made once (a second host racing
// the first loses the If-None-Match race and reads the winner's), and the database CA through the same calls (I/O: S3).
import { randomBytes } from 'node:crypto'
import type { S3Client } from '@aws-sdk/client-s3'
import { s3ArtifactStore } from '../aws/artifact-store.ts'

export type SecretsAt = { bucket: string; kmsKey: string }

/** 32 random bytes as URL-safe base64: nothing a connection string or a shell would need to quote. */
export const newPassword = () => randomBytes(32).toString('base64url')

export function secretsStore(s3: S3Client, at: SecretsAt) {
  // The same SSE-KMS object store the artifacts bucket uses: reads, plain writes and If-None-Match creates.
  const objects = s3ArtifactStore(s3, at.bucket, at.kmsKey)
  const store = {
    /** The object's text, or undefined when there is none. */
    async read(key: string): Promise<string | undefined> {
      return (await objects.get(key))?.toString('utf8')
    },
    /** Writes `body` at `key` only if there is nothing there yet (If-None-Match); false when another writer was first. */
    createOnce: (key: string, body: string, contentType = 'text/plain'): Promise<boolean> =>
      objects.create(key, body, contentType),
    /** The password kept at `key`, made there first if there is none; `created` says which. */
    async password(key: string): Promise<{ password: string; created: boolean }> {
      const existing = (await store.read(key))?.trim()
      if (existing) return { password: existing, created: false }
      const password = newPassword()
      if (await store.createOnce(key, `${password}\n`)) return { password, created: true }
      const winner = (await store.read(key))?.trim()
      if (!winner)
        throw new Error(`s3://${at.bucket}/${key} appeared while making it but is empty; delete it and deploy again`)
      return { password: winner, created: false }
    },
    /** Writes `body` at `key` unless it already holds exactly that; says whether it wrote. */
    async write(key: string, body: string): Promise<boolean> {
      if ((await store.read(key)) === body) return false
      await objects.put(key, body, 'text/plain')
      return true
    },
  }
  return store
}
export type SecretsStore = ReturnType<typeof secretsStore>
