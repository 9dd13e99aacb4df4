// CRC-64/ECMA as Go's hash/crc64 computes it (reflected 0xC96C5795D7870F42, inverted in and out) — pure.
// mongodump stores this CRC of every namespace's documents in its EOF header; 32-bit halves keep it off BigInt.
const POLY_HI = 0xc96c5795
const POLY_LO = 0xd7870f42
const TABLE_HI = new Uint32Array(256)
const TABLE_LO = new Uint32Array(256)
for (let i = 0; i < 256; i++) {
  let hi = 0
  let lo = i
  for (let k = 0; k < 8; k++) {
    const lsb = lo & 1
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0
    hi = hi >>> 1
    if (lsb) {
      hi = (hi ^ POLY_HI) >>> 0
      lo = (lo ^ POLY_LO) >>> 0
    }
  }
  TABLE_HI[i] = hi
  TABLE_LO[i] = lo
}

/** A running CRC-64/ECMA; `update` chunks in any split, read with `value()` (as a signed int64, like the archive). */
export class Crc64 {
  private hi = 0xffffffff
  private lo = 0xffffffff

  update(buf: Uint8Array): this {
    let hi = this.hi
    let lo = this.lo
    for (let i = 0; i < buf.length; i++) {
      const idx = (lo ^ buf[i]) & 0xff
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[idx]
      hi = (hi >>> 8) ^ TABLE_HI[idx]
    }
    this.hi = hi >>> 0
    this.lo = lo >>> 0
    return this
  }

  /** The CRC as Go's int64(h.Sum64()). */
  value(): bigint {
    const u = (BigInt(~this.hi >>> 0) << 32n) | BigInt(~this.lo >>> 0)
    return BigInt.asIntN(64, u)
  }
}

export const crc64 = (buf: Uint8Array): bigint => new Crc64().update(buf).value()
