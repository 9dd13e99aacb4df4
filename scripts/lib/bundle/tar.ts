// Packs bundle entries into a deterministic tar.gz and unpacks one (in memory; no file I/O).
import { gunzipSync, gzipSync } from 'node:zlib'
import { createHash } from 'node:crypto'
import * as tar from 'tar-stream'
import type { BundleEntry } from './contents.ts'
import { byText } from '../order.ts'

/**
 * Each file's time, from its own bytes: the same content always gets the same time and a changed file a new one,
 * whatever the clock. The agent keeps archive times, and nginx's ETag (time-size) and Last-Modified come from
 * them: with one fixed time a changed index.html kept its ETag and returning browsers got 304 for new content.
 * Times fall between 2001 and 2018, never in the future (tar warns about those).
 */
export function entryTime(data: Buffer): Date {
  const seconds = createHash('sha256').update(data).digest().readUInt32BE(0) >>> 3 // 2^29 s, about 17 years
  return new Date((978_307_200 + seconds) * 1000)
}

/** Same entries, same bytes: sorted paths, times from content, uid/gid 0, fixed modes, gzip without a name or time. */
export async function packEntries(entries: BundleEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer)
  })
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve)
    pack.on('error', reject)
  })
  const sorted = [...entries].sort(byText((e) => e.path))
  for (const e of sorted) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: e.path,
          size: e.data.length,
          mode: e.mode,
          mtime: entryTime(e.data),
          uid: 0,
          gid: 0,
          uname: 'root',
          gname: 'root',
          type: 'file',
        },
        e.data,
        (err) => (err ? reject(err) : resolve()),
      ),
    )
  }
  pack.finalize()
  await done
  return gzipSync(Buffer.concat(chunks), { level: 9 })
}

export async function unpackEntries(gz: Buffer): Promise<BundleEntry[]> {
  const extract = tar.extract()
  const entries: BundleEntry[] = []
  extract.on('entry', (header, stream, next) => {
    const parts: Buffer[] = []
    stream.on('data', (c: unknown) => {
      parts.push(c as Buffer)
    })
    stream.on('end', () => {
      if (header.type === 'file')
        entries.push({ path: header.name, data: Buffer.concat(parts), mode: header.mode ?? 0o644 })
      next()
    })
    stream.resume()
  })
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve)
    extract.on('error', reject)
  })
  extract.end(gunzipSync(gz))
  await done
  for (const e of entries)
    if (e.path.startsWith('/') || e.path.split('/').includes('..'))
      throw new Error(`bundle entry ${e.path} escapes the bundle`)
  return entries
}

export const contentHash = (data: Buffer) => createHash('sha256').update(data).digest('hex')
