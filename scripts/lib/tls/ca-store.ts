// The environment's database CA in the secrets bucket (SSE-KMS): read it, or create it once; a second creator loses the
// If-None-Match race and reads the winner's (I/O: S3).
import type { S3Client } from '@aws-sdk/client-s3'
import { secretsStore, type SecretsAt } from '../database/credentials.ts'
import { mongoCaKeys } from '../render/backup-paths.ts'
import type { KeyAndCert } from './certificates.ts'

export type CaLocation = SecretsAt & { prefix: string }

const PEM = 'application/x-pem-file'

export async function loadOrCreateCa(
  s3: S3Client,
  at: CaLocation,
  create: () => Promise<KeyAndCert>,
): Promise<{ ca: KeyAndCert; created: boolean }> {
  const store = secretsStore(s3, at)
  const keys = mongoCaKeys(at.prefix)
  const read = async () => {
    const [key, cert] = [await store.read(keys.key), await store.read(keys.cert)]
    return key && cert ? { key, cert } : undefined
  }
  const existing = await read()
  if (existing) return { ca: existing, created: false }
  const ca = await create()
  // The key first: a CA certificate without its key would be unusable to the next host.
  if ((await store.createOnce(keys.key, ca.key, PEM)) && (await store.createOnce(keys.cert, ca.cert, PEM)))
    return { ca, created: true }
  const winner = await read()
  if (!winner)
    throw new Error(
      `s3://${at.bucket}/${keys.key} appeared while creating the CA, but its pair is incomplete; delete both objects and deploy again`,
    )
  return { ca: winner, created: false }
}
