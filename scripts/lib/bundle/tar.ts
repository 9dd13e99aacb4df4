// Packs bundle entries into a deterministic tar.gz and unpacks one (in memory; no file I/O).
import { gunzipSync, gzipSync } from 'node:zlib'
import { createHash } from 'node:crypto'
import * as tar from 'tar-stream'
import type { BundleEntry } from './contents.ts'

/** Same entries, same bytes: sorted paths, mtime 0, uid/gid 0, fixed modes, gzip without a name or time. */
export async function packEntries(entries: BundleEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer) })
  const done = new Promise<void>((resolve, reject) => { pack.on('end', resolve); pack.on('error', reject) })
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  for (const e of sorted) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.path, size: e.data.length, mode: e.mode, mtime: new Date(0), uid: 0, gid: 0, uname: 'root', gname: 'root', type: 'file' }, e.data, (err) => (err ? reject(err) : resolve())),
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
    stream.on('data', (c: unknown) => { parts.push(c as Buffer) })
    stream.on('end', () => {
      if (header.type === 'file') entries.push({ path: header.name, data: Buffer.concat(parts), mode: header.mode ?? 0o644 })
      next()
    })
    stream.resume()
  })
  const done = new Promise<void>((resolve, reject) => { extract.on('finish', resolve); extract.on('error', reject) })
  extract.end(gunzipSync(gz))
  await done
  for (const e of entries) if (e.path.startsWith('/') || e.path.split('/').includes('..')) throw new Error(`bundle entry ${e.path} escapes the bundle`)
  return entries
}

export const contentHash = (data: Buffer) => createHash('sha256').update(data).digest('hex')
