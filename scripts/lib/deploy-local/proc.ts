// Reads process relations from /proc, so deploy-local needs no procps (fresh CI machines lack pgrep).
import { readdirSync, readFileSync } from 'node:fs'

/** The fields of a /proc/PID/stat line after the command name (from field 3, the state): the name may hold spaces
 *  and parens, so they are read after the last ')'. */
export const statFields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ')

/** The parent pid (field 4) in a /proc/PID/stat line. */
export const parentOf = (stat: string) => Number(statFields(stat)[1])

/** A process's start time in clock ticks since boot (field 22), or undefined when it is gone. */
export function startTime(pid: number): string | undefined {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[19]
  } catch {
    return undefined
  }
}

/** CPU a process has used (user + system, fields 14 and 15) in seconds, or undefined when it is gone. The kernel counts
 *  them in USER_HZ ticks, 100 a second on every Linux ABI whatever the kernel's own HZ. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const f = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return undefined
  }
}

/**
 * Gone, or a zombie its parent has yet to reap (state Z, field 3): it runs nothing and holds no port. A process on its
 * way out reads an empty cmdline before it is a zombie, so "its cmdline no longer names it" is not this.
 */
export function exited(pid: number): boolean {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0] === 'Z'
  } catch {
    return true
  }
}

/** The pids whose parent is `parent`, zombies included. */
export function childPids(parent: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    } // exited while we looked
    if (parentOf(stat) === parent) children.push(Number(entry))
  }
  return children
}
