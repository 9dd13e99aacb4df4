// How an environment's VPC is split into subnets, shared by the rules and the stacks (pure).
import type { Database } from './model.ts'

const toNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
const dotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')

/** The VPC split into four equal subnets, in address order: public a, public b, private a, private b. */
export function quarterCidrs(vpcCidr: string): string[] {
  const [address, bits] = vpcCidr.split('/')
  const base = toNumber(address!)
  const prefix = Number(bits) + 2
  const size = 2 ** (32 - prefix)
  return [0, 1, 2, 3].map((i) => `${dotted(base + i * size)}/${prefix}`)
}

/** The private subnet of a zone. */
export const privateSubnet = (vpcCidr: string, zone: Database['zone']) => quarterCidrs(vpcCidr)[zone === 'a' ? 2 : 3]!

/**
 * Why `ip` cannot be a fixed address in `cidr`, or undefined when it can. AWS keeps the first four addresses of
 * every subnet (network, router, DNS, future use) and the last (broadcast).
 */
export function unusableAddress(ip: string, cidr: string): string | undefined {
  const [address, bits] = cidr.split('/')
  const size = 2 ** (32 - Number(bits))
  const start = toNumber(address!)
  const n = toNumber(ip)
  if (n < start || n >= start + size) return `is outside ${cidr}`
  if (n - start < 4) return `is one of the four addresses AWS keeps at the start of ${cidr}`
  if (n === start + size - 1) return `is the last address of ${cidr}, which AWS keeps`
  return undefined
}
