// Starts moto in server mode on a loopback port of its own for one suite and stops it after (I/O: spawns a process).
import { spawn, type ChildProcess } from 'node:child_process'
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3'
import { MOTO_LISTENING, motoEnv } from '../../scripts/lib/sandbox/moto.ts'
import { announcingStderr, supervise } from './process.ts'
import { requireTool } from './tools.ts'

export type Moto = { endpoint: string; env: Record<string, string>; stop: () => Promise<void> }

/**
 * account: the account every caller is in (MOTO_ACCOUNT_ID), so that the commands' account guard sees the
 * environment's own; moto's default, 123456789012, otherwise.
 */
export async function startMoto(opts: { account?: string } = {}): Promise<Moto> {
  const bin = requireTool('moto_server')
  // Port 0: moto binds one itself and names it (see announcedPort), so no other suite's moto can answer for it.
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      MOTO_ALLOW_NONEXISTENT_REGION: 'true',
      ...(opts.account && { MOTO_ACCOUNT_ID: opts.account }),
    },
  })
  const stderr = announcingStderr(child, MOTO_LISTENING)
  const service = await supervise(
    child,
    'moto_server on 127.0.0.1',
    async () => stderr.port() !== undefined && (await fetch(`http://127.0.0.1:${stderr.port()}/moto-api/`)).ok,
    { timeoutMs: 30_000, log: stderr.log },
  )
  const endpoint = `http://127.0.0.1:${stderr.port()}`
  return { endpoint, env: motoEnv(endpoint), stop: service.stop }
}

/** An S3 client signed in to this moto, path-style (moto serves every bucket on one host). */
export const motoS3 = (m: Moto, region: string) =>
  new S3Client({
    region,
    endpoint: m.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: m.env.AWS_ACCESS_KEY_ID!, secretAccessKey: m.env.AWS_SECRET_ACCESS_KEY! },
  })

/** A moto for one suite with these buckets made in `region`, and an S3 client for it (stop the moto after). */
export async function motoWithBuckets(region: string, buckets: string[]): Promise<{ moto: Moto; s3: S3Client }> {
  const moto = await startMoto()
  const s3 = motoS3(moto, region)
  await createBuckets(s3, region, buckets)
  return { moto, s3 }
}

/** Makes the buckets in the region; like S3, moto wants the location named outside us-east-1. */
export async function createBuckets(s3: S3Client, region: string, buckets: string[]) {
  const location = { LocationConstraint: region as BucketLocationConstraint }
  for (const bucket of buckets)
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location }))
}

/** Writes an object as a hand or another tool would: no encryption, no content type. */
export const putObject = (s3: S3Client, bucket: string, key: string, body: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))

/** An object's bytes. */
export const objectBytes = async (s3: S3Client, bucket: string, key: string) =>
  Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray())
