// Reads process relations from /proc, so deploy-local needs no procps (fresh CI machines lack pgrep).
import { readdirSync, readFileSync } from 'node:fs'

/** The parent pid in a /proc/PID/stat line; the command name (field 2) may hold spaces and parens, so fields are read after the last ')'. */
export const parentOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])

/** The pids whose parent is `parent`, zombies included. */
export function childPids(parent: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8') } catch { continue } // exited while we looked
    if (parentOf(stat) === parent) children.push(Number(entry))
  }
  return children
}
