// Instances of the local fleet for the module tests: names and addresses of their own per suite, and one that cannot
// boot (its network namespace is made, then its disk cannot be: its folder is under a file), so a test reaches a
// deployment's failure path for real without running the agent (temp files).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Instance } from '../../scripts/lib/deploy-local/fleet.ts'

/** A suite's share of names and addresses: its letter in the names (with this process's pid), its third octet. */
export type InstanceSuite = { letter: string; octet: number }

/** Instance `n` of `suite`, its disk at `dir`. The caller removes its network after (removeNetwork). */
export function testInstance(dir: string, n: number, suite: InstanceSuite): Instance {
  const tag = `${suite.letter}${process.pid % 100000}x${n}`
  return {
    name: `i${n}`,
    dir,
    netns: `dl-${tag}`,
    hostIf: `dl${tag}h`,
    nsIf: `dl${tag}n`,
    hostIp: `10.249.${suite.octet + n}.1`,
    nsIp: `10.249.${suite.octet + n}.2`,
    cgroup: `deploy-local-test-${tag}`,
  }
}

export function unbootableInstance(work: string, n: number, suite: InstanceSuite): Instance {
  const blocker = join(work, `not-a-folder-${n}`)
  writeFileSync(blocker, '')
  return testInstance(join(blocker, `i${n}`), n, suite)
}
