// The environment's database CA in the secrets bucket (SSE-KMS): read it, or create it once; a second creator loses the
// If-None-Match race and reads the winner's (I/O: S3).
import { createPrivateKey, X509Certificate } from 'node:crypto'
import type { S3Client } from '@aws-sdk/client-s3'
import { secretsStore, type SecretsAt } from '../database/credentials.ts'
import { mongoCaKeys } from '../render/backup-paths.ts'
import type { KeyAndCert } from './certificates.ts'

export type CaLocation = SecretsAt & { prefix: string }

const PEM = 'application/x-pem-file'

/**
 * `settle`: how long to wait for the other half of a pair before calling it incomplete (a host that won the race
 * writes the key, then the certificate).
 */
export async function loadOrCreateCa(
  s3: S3Client,
  at: CaLocation,
  create: () => Promise<KeyAndCert>,
  settle = { tries: 5, delayMs: 1000 },
): Promise<{ ca: KeyAndCert; created: boolean }> {
  const store = secretsStore(s3, at)
  const keys = mongoCaKeys(at.prefix)
  const url = (key: string) => `s3://${at.bucket}/${key}`
  const read = async () => ({ key: await store.read(keys.key), cert: await store.read(keys.cert) })
  /** The stored pair, once both halves are there and belong together; undefined when neither is. */
  const stored = async () => {
    let found = await read()
    for (let i = 0; i < settle.tries && !!found.key !== !!found.cert; i++) {
      await new Promise((resolve) => setTimeout(resolve, settle.delayMs))
      found = await read()
    }
    const { key, cert } = found
    if (!key && !cert) return undefined
    // Half a pair, or a pair that does not match, would sign server certificates no client can verify.
    if (!key || !cert)
      throw new Error(
        `${url(key ? keys.key : keys.cert)} is there without ${url(key ? keys.cert : keys.key)}: the database CA is incomplete; delete both objects and deploy again`,
      )
    if (!pairMatches({ key, cert }))
      throw new Error(`${url(keys.key)} is not the key of ${url(keys.cert)}: delete both objects and deploy again`)
    return { key, cert }
  }
  const existing = await stored()
  if (existing) return { ca: existing, created: false }
  const ca = await create()
  // The key first: a CA certificate without its key would be unusable to the next host.
  if ((await store.createOnce(keys.key, ca.key, PEM)) && (await store.createOnce(keys.cert, ca.cert, PEM)))
    return { ca, created: true }
  const winner = await stored()
  if (!winner) throw new Error(`${url(keys.key)} vanished while creating the CA; deploy again`)
  return { ca: winner, created: false }
}

function pairMatches(ca: KeyAndCert): boolean {
  try {
    return new X509Certificate(ca.cert).checkPrivateKey(createPrivateKey(ca.key))
  } catch {
    return false
  }
}
