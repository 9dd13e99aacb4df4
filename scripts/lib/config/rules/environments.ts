// Rules across environments: staging and production never share a network, a bucket or a branch (pure).
import type { Problem } from '../model.ts'
import { problemAt } from '../positions.ts'
import type { Source } from '../source.ts'
import { bucketPaths, cidrsOverlap } from './network.ts'

export type EnvDoc = { source: Source; data: Record<string, any> }

export function environmentsIsolated(envs: EnvDoc[]): Problem[] {
  const problems: Problem[] = []
  envs.forEach((b, j) =>
    envs.slice(0, j).forEach((a) => {
      const other = `environment '${a.data.name}' (${a.source.file})`
      if (cidrsOverlap(a.data.network?.vpcCidr, b.data.network?.vpcCidr))
        problems.push(problemAt(b.source, ['network', 'vpcCidr'], `VPC ${b.data.network.vpcCidr} overlaps the VPC of ${other}; environments must not share address space`, 'env-isolation'))
      const theirs = new Set(bucketPaths(a.data).map(([, n]) => n).filter((n) => typeof n === 'string'))
      for (const [path, name] of bucketPaths(b.data))
        if (typeof name === 'string' && theirs.has(name)) problems.push(problemAt(b.source, path, `bucket '${name}' is also used by ${other}; environments must not share buckets`, 'env-isolation'))
      if (typeof a.data.branch === 'string' && a.data.branch === b.data.branch)
        problems.push(problemAt(b.source, ['branch'], `branch '${b.data.branch}' also deploys ${other}; each environment needs its own branch`, 'env-isolation'))
    }),
  )
  return problems
}
