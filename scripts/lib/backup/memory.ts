// Keeps a long stream's memory flat: a full GC every N bytes, so garbage buffers never pile up (no I/O).
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

/** Returns a counter: call it with bytes processed; it runs a full GC each time `everyBytes` more have passed. */
export function gcEvery(everyBytes = 32 * 1024 * 1024): (bytes: number) => void {
  let since = 0
  const collect = getGc()
  return (bytes) => {
    since += bytes
    if (since >= everyBytes && collect) {
      since = 0
      collect()
    }
  }
}
