// The environment's database CA in the secrets bucket (SSE-KMS): read it, or create it once; a second creator loses the
// If-None-Match race and reads the winner's (I/O: S3).
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { errorName, httpStatus, retrying } from '../aws/retry.ts'
import { mongoCaKeys } from '../render/backup-paths.ts'
import type { KeyAndCert } from './certificates.ts'

export type CaLocation = { bucket: string; prefix: string; kmsKey: string }

export async function loadOrCreateCa(s3: S3Client, at: CaLocation, create: () => Promise<KeyAndCert>): Promise<{ ca: KeyAndCert; created: boolean }> {
  const send = retrying(s3)
  const keys = mongoCaKeys(at.prefix)
  const get = async (key: string): Promise<string | undefined> => {
    try {
      const r = await send<{ Body?: { transformToString(): Promise<string> } }>(new GetObjectCommand({ Bucket: at.bucket, Key: key }))
      return await r.Body!.transformToString()
    } catch (e) {
      if (['NoSuchKey', 'NotFound'].includes(errorName(e)) || httpStatus(e) === 404) return undefined
      throw e
    }
  }
  const read = async () => {
    const [key, cert] = [await get(keys.key), await get(keys.cert)]
    return key && cert ? { key, cert } : undefined
  }
  const existing = await read()
  if (existing) return { ca: existing, created: false }
  const ca = await create()
  const put = (key: string, body: string) =>
    send(new PutObjectCommand({ Bucket: at.bucket, Key: key, Body: body, ContentType: 'application/x-pem-file', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: at.kmsKey, IfNoneMatch: '*' }))
  try {
    // The key first: a CA certificate without its key would be unusable to the next host.
    await put(keys.key, ca.key)
    await put(keys.cert, ca.cert)
    return { ca, created: true }
  } catch (e) {
    if (httpStatus(e) !== 412 && errorName(e) !== 'PreconditionFailed') throw e
    const winner = await read()
    if (!winner) throw new Error(`s3://${at.bucket}/${keys.key} appeared while creating the CA, but its pair is incomplete; delete both objects and deploy again`)
    return { ca: winner, created: false }
  }
}
