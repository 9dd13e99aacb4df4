// Rules on the network, certificate and buckets of one environment (pure).
import { envProblem, type Rule } from './context.ts'

const cidrRange = (cidr: string): [number, number] => {
  const [ip, bits] = cidr.split('/') as [string, string]
  const base = ip.split('.').reduce((n, o) => n * 256 + Number(o), 0)
  const size = 2 ** (32 - Number(bits))
  const start = base - (base % size)
  return [start, start + size - 1]
}
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/
/** False for anything that is not a CIDR: a broken value is reported by the schema, not here. */
export const cidrsOverlap = (a: unknown, b: unknown) => {
  if (typeof a !== 'string' || typeof b !== 'string' || !CIDR.test(a) || !CIDR.test(b)) return false
  const [a0, a1] = cidrRange(a)
  const [b0, b1] = cidrRange(b)
  return a0 <= b1 && b0 <= a1
}

export const vpnOutsideVpc: Rule = (ctx) => {
  const { vpcCidr, vpnClientCidr } = ctx.model.env.network
  return cidrsOverlap(vpcCidr, vpnClientCidr)
    ? [
        envProblem(
          ctx,
          ['network', 'vpnClientCidr'],
          `VPN client range ${vpnClientCidr} overlaps the VPC ${vpcCidr}; pick a range outside it`,
          'vpn-cidr',
        ),
      ]
    : []
}

// Clients reach the VPN server from the internet: a private, shared (CGNAT), loopback, link-local, "this network",
// multicast, reserved or VPC range would never match them.
const NON_PUBLIC = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '0.0.0.0/8',
  '224.0.0.0/4',
  '240.0.0.0/4',
]

/** The first non-public range `cidr` overlaps, if any (the VPC and VPN client ranges count as non-public too). */
export const nonPublicClash = (ctx: Parameters<Rule>[0], cidr: string) =>
  [...NON_PUBLIC, ctx.model.env.network.vpcCidr, ctx.model.env.network.vpnClientCidr].find((range) =>
    cidrsOverlap(cidr, range),
  )

export const vpnPeerPublic: Rule = (ctx) => {
  const { vpcCidr, vpnClientCidr, vpnPeerCidr } = ctx.model.env.network
  const clash = [...NON_PUBLIC, vpcCidr, vpnClientCidr].find((range) => cidrsOverlap(vpnPeerCidr, range))
  return clash
    ? [
        envProblem(
          ctx,
          ['network', 'vpnPeerCidr'],
          `VPN peer range ${vpnPeerCidr} overlaps ${clash}, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office`,
          'vpn-peer',
        ),
      ]
    : []
}

export const certificateMatches: Rule = (ctx) => {
  const { certificateArn } = ctx.model.env.loadBalancer
  const [, , , region, account] = certificateArn.split(':')
  const { region: r, account: a } = ctx.model.env
  return region !== r || account !== a
    ? [
        envProblem(
          ctx,
          ['loadBalancer', 'certificateArn'],
          `certificate is in ${account}/${region} but the environment is ${a}/${r}; the ALB needs a certificate in its own account and region`,
          'certificate-region',
        ),
      ]
    : []
}

export const bucketPaths = (data: any): [string[], string | undefined][] => [
  [['buckets', 'artifacts'], data.buckets?.artifacts],
  [['buckets', 'logs'], data.buckets?.logs],
  [['secrets', 'bucket'], data.secrets?.bucket],
  [['backup', 'bucket'], data.backup?.bucket],
]

export const bucketsDistinct: Rule = (ctx) => {
  const seen = new Map<string, string>()
  return bucketPaths(ctx.data).flatMap(([path, name]) => {
    if (!name) return []
    const owner = seen.get(name)
    seen.set(name, owner ?? path.join('.'))
    return owner
      ? [
          envProblem(
            ctx,
            path,
            `bucket '${name}' is also ${owner}; secrets, backups, artifacts and logs each need their own bucket so their access stays separate`,
            'buckets-distinct',
          ),
        ]
      : []
  })
}

/** Instance roles may read only secrets/<env>/<app>/*; a prefix naming another environment would leak across. */
export const secretsPrefixNamesEnv: Rule = (ctx) => {
  const { name, secrets } = ctx.model.env
  return secrets.prefix.split('/').at(-1) === name
    ? []
    : [
        envProblem(
          ctx,
          ['secrets', 'prefix'],
          `secrets prefix '${secrets.prefix}' must end with the environment name ('${name}'), e.g. secrets/${name}, so no environment reads another's secrets`,
          'secrets-prefix',
        ),
      ]
}
