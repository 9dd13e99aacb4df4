// Keeps a long stream's memory flat: a full GC every N bytes, so garbage buffers and documents never pile up (no I/O).
// V8 collects driver reply buffers and gzip chunks (external memory) only after ~64 MB of them accumulate,
// which made peak RSS grow with the data size; collecting on a byte budget bounds it.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gc: (() => void) | undefined
function getGc(): (() => void) | undefined {
  if (gc) return gc
  const g = (globalThis as { gc?: () => void }).gc
  if (g) return (gc = g)
  try {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  } catch {
    gc = undefined
  }
  return gc
}

/**
 * What one document costs the heap besides its bytes: the Buffer view the driver or the archive reader makes for it
 * and what the loop around it allocates, which V8 sometimes promotes to the old generation (it depends on when its
 * scavenges fall). Small documents are mostly this: reading back 200,000 of 44 bytes, the old generation reached
 * 93 MB before V8 collected it on its own in one run of two, and the restore peaked at 180-185 MB instead of 130
 * (--trace-gc). Counted at 2 KiB, each of four restores and two backups of them peaked at 127-136 MB;
 * at 512 bytes restores still peaked at 175 MB, and 8 KiB only collected more often for the same peak.
 */
export const DOCUMENT_OVERHEAD = 2048

/**
 * Returns a counter: call it with the bytes and documents processed; it runs a full GC each time `everyBytes` more
 * have passed, each document counting DOCUMENT_OVERHEAD bytes more than its own.
 */
export function gcEvery(everyBytes = 32 * 1024 * 1024): (bytes: number, docs?: number) => void {
  let since = 0
  const collect = getGc()
  return (bytes, docs = 0) => {
    since += bytes + docs * DOCUMENT_OVERHEAD
    if (since >= everyBytes && collect) {
      since = 0
      collect()
    }
  }
}
