// Rules across environments: no two share a network, a bucket, a branch, a host name, a certificate or a key alias
// (pure). A clash is reported in both files, each naming the other: which one was copied is not for us to guess.
import type { Problem } from '../model.ts'
import { problemAt } from '../positions.ts'
import type { Source } from '../source.ts'
import { bucketPaths, cidrsOverlap } from './network.ts'

export type EnvDoc = { source: Source; data: Record<string, any> }
type Path = (string | number)[]

/** Every host name the environment serves, with where it is written. */
const hostPaths = (data: Record<string, any>): [Path, string][] =>
  Object.entries((data.apps ?? {}) as Record<string, { hosts?: unknown }>).flatMap(([app, o]) =>
    (Array.isArray(o?.hosts) ? o.hosts : []).map((h: unknown, i: number): [Path, string] => [
      ['apps', app, 'hosts', i],
      String(h),
    ]),
  )

export function environmentsIsolated(envs: EnvDoc[]): Problem[] {
  const problems: Problem[] = []
  envs.forEach((b, j) =>
    envs.slice(0, j).forEach((a) => {
      const named = (d: EnvDoc) => `environment '${d.data.name}' (${d.source.file})`
      // The same clash at both ends, each message naming the other file.
      const both = (pathA: Path, pathB: Path, say: (other: string, mine: EnvDoc) => string) => {
        problems.push(problemAt(b.source, pathB, say(named(a), b), 'env-isolation'))
        problems.push(problemAt(a.source, pathA, say(named(b), a), 'env-isolation'))
      }
      if (cidrsOverlap(a.data.network?.vpcCidr, b.data.network?.vpcCidr))
        both(
          ['network', 'vpcCidr'],
          ['network', 'vpcCidr'],
          (o, mine) =>
            `VPC ${mine.data.network.vpcCidr} overlaps the VPC of ${o}; environments must not share address space`,
        )
      const theirBuckets = new Map(
        bucketPaths(a.data)
          .filter(([, n]) => typeof n === 'string')
          .map(([p, n]) => [n as string, p]),
      )
      for (const [path, name] of bucketPaths(b.data)) {
        const at = typeof name === 'string' ? theirBuckets.get(name) : undefined
        if (at) both(at, path, (o) => `bucket '${name}' is also used by ${o}; environments must not share buckets`)
      }
      if (typeof a.data.branch === 'string' && a.data.branch === b.data.branch)
        both(
          ['branch'],
          ['branch'],
          (o) => `branch '${b.data.branch}' also deploys ${o}; each environment needs its own branch`,
        )
      const theirHosts = new Map(hostPaths(a.data).map(([p, h]) => [h.toLowerCase(), p]))
      for (const [path, host] of hostPaths(b.data)) {
        const at = theirHosts.get(host.toLowerCase())
        if (at)
          both(
            at,
            path,
            (o) =>
              `host '${host}' is also served by ${o}; the load balancers would race for its traffic, so give each environment its own`,
          )
      }
      const cert = (d: EnvDoc) => d.data.loadBalancer?.certificateArn
      if (typeof cert(a) === 'string' && cert(a) === cert(b))
        both(
          ['loadBalancer', 'certificateArn'],
          ['loadBalancer', 'certificateArn'],
          (o) => `certificate ${cert(b)} is also used by ${o}; request one for this environment's hosts`,
        )
      // An alias names one key per account and region: two environments there would encrypt with one key.
      const sameAccount = a.data.account === b.data.account && a.data.region === b.data.region
      const alias = (d: EnvDoc) => d.data.kms?.keyAlias
      if (sameAccount && typeof alias(a) === 'string' && alias(a) === alias(b))
        both(
          ['kms', 'keyAlias'],
          ['kms', 'keyAlias'],
          (o) =>
            `key alias '${alias(b)}' is also ${o}'s, in the same account and region; name this environment's own key`,
        )
    }),
  )
  return problems
}
