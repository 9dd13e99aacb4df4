// An instance of the local fleet that cannot boot: its network namespace is made, then its disk cannot be (its folder
// is under a file), so a test reaches a deployment's failure path for real without running the agent (temp files).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Instance } from '../../scripts/lib/deploy-local/fleet.ts'

/**
 * `suite` keeps suites running side by side apart: its letter in the names (with this process's pid), its number in
 * the addresses' third octet. The caller removes the network after (removeNetwork), booted or not.
 */
export function unbootableInstance(work: string, n: number, suite: { letter: string; octet: number }): Instance {
  const blocker = join(work, `not-a-folder-${n}`)
  writeFileSync(blocker, '')
  const tag = `${suite.letter}${process.pid % 100000}x${n}`
  return {
    name: `i${n}`,
    dir: join(blocker, `i${n}`),
    netns: `dl-${tag}`,
    hostIf: `dl${tag}h`,
    nsIf: `dl${tag}n`,
    hostIp: `10.249.${suite.octet + n}.1`,
    nsIp: `10.249.${suite.octet + n}.2`,
    cgroup: `deploy-local-test-${tag}`,
  }
}
