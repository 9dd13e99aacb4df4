// Streams a body of unknown length to S3 through part files on disk, not part buffers in memory (I/O: S3, the spool folder).
// Memory stays at a few stream buffers whatever the part size or the object's size; the disk holds at most
// (queueSize + 1) parts, each deleted once S3 has it. One part in all becomes a single PutObject.
import { createReadStream, type ReadStream } from 'node:fs'
import { mkdtemp, open, rm, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { crc32 } from 'node:zlib'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3'
import { withRetry } from './retry.ts'

export type SpooledUploadOptions = {
  bucket: string
  key: string
  kmsKey: string
  /** Every part but the last has exactly this many bytes (S3: at least 5 MiB). */
  partSize: number
  /** Parts sent at once; one more may be filling meanwhile. */
  queueSize: number
  /** A folder on disk (not tmpfs: its parts would be memory again) for the part files; a private folder is made in it. */
  spoolDir: string
  /** No byte read from the body or sent to S3 for this long aborts the upload with UploadStalled. */
  stallMs: number
  onProgress?: (uploadedBytes: number) => void
  /** Where retries are said (stderr by default). */
  report?: (line: string) => void
}

export class UploadStalled extends Error {}

/** A part file being filled or waiting to be sent; its CRC-32 goes with it, so S3 refuses bytes the disk changed. */
type SpoolPart = { number: number; path: string; file?: FileHandle; size: number; crc: number }

export async function spooledUpload(s3: S3Client, body: Readable, o: SpooledUploadOptions): Promise<void> {
  const dir = await mkdtemp(join(o.spoolDir, 'drsignet-upload-'))
  const target = { Bucket: o.bucket, Key: o.key }
  const abort = new AbortController()
  const sending = new Set<ReadStream>()
  const inflight = new Set<Promise<void>>()
  const completed: CompletedPart[] = []
  let uploadId: string | undefined
  let failure: unknown
  let uploaded = 0

  // The stall detector: bytes taken from the body, and bytes the requests read from their part files, are movement.
  let produced = 0
  let movedAt = Date.now()
  let lastSeen = -1
  let stalled: UploadStalled | undefined
  const watch = setInterval(
    () => {
      let seen = produced + uploaded
      for (const s of sending) seen += s.bytesRead
      if (seen !== lastSeen) return void ((lastSeen = seen), (movedAt = Date.now()))
      if (stalled || Date.now() - movedAt < o.stallMs) return
      stalled = new UploadStalled(
        `no byte moved to s3://${o.bucket}/${o.key} for ${Math.round(o.stallMs / 1000)} s (the endpoint accepts but does not answer); the upload was aborted`,
      )
      abort.abort(stalled)
      body.destroy(stalled)
    },
    Math.min(1000, o.stallMs / 4),
  )

  const crcHeader = (crc: number) => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(crc >>> 0)
    return b.toString('base64')
  }
  /** The SDK does not retry a request whose body is a stream, so each attempt opens the part file afresh. */
  const sendFile = <T>(what: string, p: SpoolPart, send: (body: ReadStream) => Promise<T>) =>
    withRetry(
      async () => {
        const stream = createReadStream(p.path)
        sending.add(stream)
        try {
          return await send(stream)
        } finally {
          sending.delete(stream)
          stream.destroy()
        }
      },
      { attempts: 4, label: `S3 ${what}`, report: o.report },
    )
  const sendPart = async (p: SpoolPart) => {
    uploadId ??= (
      await s3.send(
        new CreateMultipartUploadCommand({
          ...target,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: o.kmsKey,
          ContentType: 'application/octet-stream',
          ChecksumAlgorithm: 'CRC32',
        }),
        { abortSignal: abort.signal },
      )
    ).UploadId!
    while (inflight.size >= o.queueSize) await Promise.race(inflight)
    if (failure) throw failure
    const UploadId = uploadId
    const ChecksumCRC32 = crcHeader(p.crc)
    const task = sendFile(`UploadPart ${p.number}`, p, (Body) =>
      s3.send(
        new UploadPartCommand({
          ...target,
          UploadId,
          PartNumber: p.number,
          Body,
          ContentLength: p.size,
          ChecksumCRC32,
        }),
        { abortSignal: abort.signal },
      ),
    )
      .then(async (r) => {
        completed.push({ PartNumber: p.number, ETag: r.ETag, ChecksumCRC32 })
        uploaded += p.size
        o.onProgress?.(uploaded)
        await unlink(p.path)
      })
      .catch((e) => void (failure ??= e))
    inflight.add(task)
    void task.finally(() => inflight.delete(task))
  }

  let filling: SpoolPart | undefined
  // A full part waits here until the body says whether more follows: alone, it goes as one PutObject.
  let full: SpoolPart | undefined
  let parts = 0
  const close = async (p: SpoolPart) => {
    await p.file?.close()
    p.file = undefined
  }
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      produced += chunk.length
      for (let at = 0; at < chunk.length;) {
        if (!filling) {
          if (full) await sendPart(full)
          full = undefined
          const path = join(dir, `part-${++parts}`)
          filling = { number: parts, path, file: await open(path, 'wx', 0o600), size: 0, crc: 0 }
        }
        const piece = chunk.subarray(at, at + o.partSize - filling.size)
        await filling.file!.writeFile(piece).catch((e: Error) => {
          throw new Error(`spooling part ${filling!.number} in ${dir} failed: ${e.message}`)
        })
        filling.crc = crc32(piece, filling.crc)
        filling.size += piece.length
        at += piece.length
        if (filling.size === o.partSize) {
          await close(filling)
          full = filling
          filling = undefined
        }
      }
      if (failure) throw failure
    }
    const last = full ?? filling
    if (filling) await close(filling)
    if (!uploadId) {
      const only = last ?? { number: 1, path: join(dir, 'empty'), size: 0, crc: 0 }
      if (!last) await (await open(only.path, 'wx', 0o600)).close()
      await sendFile('PutObject', only, (Body) =>
        s3.send(
          new PutObjectCommand({
            ...target,
            Body,
            ContentLength: only.size,
            ChecksumCRC32: crcHeader(only.crc),
            ServerSideEncryption: 'aws:kms',
            SSEKMSKeyId: o.kmsKey,
            ContentType: 'application/octet-stream',
          }),
          { abortSignal: abort.signal },
        ),
      )
      o.onProgress?.(only.size)
    } else {
      if (full) await sendPart(full)
      if (filling) await sendPart(filling)
      while (inflight.size) await Promise.race(inflight)
      if (failure) throw failure
      completed.sort((a, b) => a.PartNumber! - b.PartNumber!)
      await s3.send(
        new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: completed } }),
        { abortSignal: abort.signal },
      )
    }
    if (stalled) throw stalled
  } catch (e) {
    abort.abort(e)
    await Promise.allSettled(inflight)
    // Without the abort S3 keeps (and bills) the parts already sent, until the bucket's lifecycle rule ends the upload.
    // Bounded: after a stall the endpoint may not answer this either.
    if (uploadId) {
      const bound = AbortSignal.timeout(stalled ? 5_000 : 30_000)
      await withRetry(
        () => s3.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }), { abortSignal: bound }),
        { attempts: stalled ? 1 : 3 },
      ).catch(() => {})
    }
    body.destroy()
    throw stalled ?? e
  } finally {
    clearInterval(watch)
    await Promise.allSettled([filling, full].map((p) => p && close(p)))
    await rm(dir, { recursive: true, force: true })
  }
}
