// An order-independent hash of a collection's raw BSON documents: the sum of their SHA-256 digests mod 2^256 — pure.
// Order-independent because a restore need not return documents in the order they were dumped.
import { hash } from 'node:crypto'

const WORDS = 8 // 256 bits as eight 32-bit words, the most significant first (the digest's own byte order)

export class ContentHash {
  // Plain words, not a BigInt of a hex string per document: a backup and a proof add a digest per document, and the
  // one-shot crypto.hash leaves no Hash object behind for the collector. (What bounded the read-back's peak RSS was
  // counting documents in the collection budget, backup/memory.ts; this only allocates less per document.)
  private readonly sum = new Uint32Array(WORDS)

  add(doc: Uint8Array): this {
    const d = hash('sha256', doc, 'buffer')
    return this.addWords((i) => d.readUInt32BE(i * 4))
  }

  /** Adds another hash's documents (a collection that already held some before a restore added more). */
  plus(hex: string): this {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a content hash: ${hex}`)
    return this.addWords((i) => parseInt(hex.slice(i * 8, i * 8 + 8), 16))
  }

  hex(): string {
    return Array.from(this.sum, (w) => w.toString(16).padStart(8, '0')).join('')
  }

  private addWords(word: (i: number) => number): this {
    let carry = 0
    for (let i = WORDS - 1; i >= 0; i--) {
      const s = this.sum[i]! + word(i) + carry
      this.sum[i] = s >>> 0
      carry = s > 0xffffffff ? 1 : 0
    }
    return this // the carry out of the top word is dropped: mod 2^256
  }
}
