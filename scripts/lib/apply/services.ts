// The record of side effects (built in aws/services.ts) and how a run reports and waits (types only).
export type { Services } from '../aws/services.ts'

/** How a run reports and waits; tests shorten the polls and capture the lines. */
/** committedAt: when `commit` was made, if known (for the audit log's lead time). */
export type Runtime = {
  log: (line: string) => void
  now: () => Date
  pollMs: number
  timeoutMs: number
  who: string
  commit: string
  committedAt?: string
}
