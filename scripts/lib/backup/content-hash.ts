// An order-independent hash of a collection's raw BSON documents: the sum of their SHA-256 digests mod 2^256 — pure.
// Order-independent because a restore need not return documents in the order they were dumped.
import { createHash } from 'node:crypto'

const MOD = (1n << 256n) - 1n

export class ContentHash {
  private sum = 0n
  add(doc: Uint8Array): this {
    this.sum = (this.sum + BigInt('0x' + createHash('sha256').update(doc).digest('hex'))) & MOD
    return this
  }
  /** Adds another hash's documents (a collection that already held some before a restore added more). */
  plus(hex: string): this {
    this.sum = (this.sum + BigInt('0x' + hex)) & MOD
    return this
  }
  hex(): string {
    return this.sum.toString(16).padStart(64, '0')
  }
}
