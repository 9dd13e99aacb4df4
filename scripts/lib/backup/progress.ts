// Throughput meter for long streams: documents/s and MB/s, printed through an injected writer (no I/O of its own).
export type ProgressSink = (line: string) => void

const MB = 1024 * 1024
export const formatMB = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`

export class Meter {
  docs = 0
  bytes = 0
  extraBytes = 0 // e.g. compressed bytes uploaded
  private readonly started = Date.now()
  private last = 0
  constructor(
    private readonly label: string,
    private readonly sink: ProgressSink,
    private readonly everyMs = 2000,
  ) {}

  add(docs: number, bytes: number) {
    this.docs += docs
    this.bytes += bytes
    const now = Date.now()
    if (now - this.last >= this.everyMs) {
      this.last = now
      this.sink(this.line())
    }
  }

  seconds() {
    return Math.max((Date.now() - this.started) / 1000, 1e-3)
  }

  line(): string {
    const s = this.seconds()
    const extra = this.extraBytes ? `, ${formatMB(this.extraBytes)} compressed` : ''
    return `${this.label}: ${this.docs} docs (${Math.round(this.docs / s)} docs/s), ${formatMB(this.bytes)} (${(this.bytes / MB / s).toFixed(1)} MB/s)${extra}, ${s.toFixed(1)} s`
  }
}
