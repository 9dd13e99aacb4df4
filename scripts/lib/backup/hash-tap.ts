// A pass-through stage that hashes and counts what flows through it: the archive's SHA-256 and size as it is uploaded
// or downloaded, in one pass (I/O: a stream stage).
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'

export type HashTap = { stream: Transform; bytes: () => number; sha256: () => string }

/** `onBytes` hears the running total after every chunk (progress). */
export function hashTap(onBytes: (total: number) => void = () => {}): HashTap {
  const sha = createHash('sha256')
  let total = 0
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha.update(chunk)
      total += chunk.length
      onBytes(total)
      done(null, chunk)
    },
  })
  return { stream, bytes: () => total, sha256: () => sha.digest('hex') }
}
