// Hands raw BSON documents to the server untouched: an OP_MSG document sequence (payload type 1) built from bytes (I/O: none).
// The driver re-encodes every document it inserts through js-bson, which cannot carry a datetime beyond JavaScript's
// Date range (it comes back as 1970) and fills a null _id with a new ObjectId. The wire protocol carries document
// bytes as they are; the driver's DocumentSequence (used by its own client bulk write) accepts pre-serialised bytes,
// but it is not exported from the package's entry point, so it is loaded from its file here, checked, and the
// driver version is pinned in package.json. A driver that moved it fails here, loudly, before any write.
import { createRequire } from 'node:module'
import { checkoutUrl } from '../checkout.ts'

type Sequence = { push(document: object, bytes: Uint8Array): number; toBin(): Uint8Array }
type SequenceClass = new (field: string) => Sequence

let loaded: SequenceClass | undefined

function sequenceClass(): SequenceClass {
  if (loaded) return loaded
  const require = createRequire(checkoutUrl)
  const version = (require('mongodb/package.json') as { version: string }).version
  const candidate = (require('mongodb/lib/cmap/commands.js') as { DocumentSequence?: SequenceClass }).DocumentSequence
  const probe = candidate && new candidate('documents')
  if (typeof probe?.push !== 'function' || typeof probe.toBin !== 'function') {
    throw new Error(
      `the mongodb driver ${version} has no DocumentSequence to send raw BSON; install the version package.json pins (npm ci)`,
    )
  }
  return (loaded = candidate!)
}

// The driver keeps the decoded document beside the bytes for command monitoring, which restore never enables.
const UNUSED = Object.freeze({})

/** A command field (e.g. `documents` of `insert`) whose documents are sent as exactly these bytes. */
export function rawDocuments(field: string, docs: readonly Uint8Array[]): Sequence {
  const seq = new (sequenceClass())(field)
  for (const d of docs) seq.push(UNUSED, d)
  return seq
}
