// Evaluates CloudFormation intrinsic functions against known parameter values, so tests and plans can
// read the concrete policies and properties a stack would get; pure, no I/O.
import type { Template } from '../../scripts/lib/cloudformation/read-template.ts'

export type ResolveContext = {
  template: Template
  parameters: Record<string, string> // as passed to the stack; defaults are filled in here
  accountId: string
  region: string
  stackName: string
  importValue: (name: string) => string
  // Physical IDs and attributes of this stack's own resources (unknown before deployment).
  ref?: (logicalId: string) => string
  getAtt?: (logicalId: string, attribute: string) => string
}

export const NO_VALUE = Symbol('AWS::NoValue')

const partitionOf = (region: string) =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'

export class Resolver {
  private readonly params: Record<string, string | string[]>
  private readonly conditionCache = new Map<string, boolean>()

  constructor(private readonly ctx: ResolveContext) {
    this.params = {}
    for (const [name, decl] of Object.entries(ctx.template.Parameters)) {
      const raw = ctx.parameters[name] ?? (decl.Default === undefined ? undefined : String(decl.Default))
      if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`)
      this.params[name] = decl.Type === 'CommaDelimitedList' || decl.Type.startsWith('List<') ? raw.split(',') : raw
    }
  }

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name)
    if (cached !== undefined) return cached
    const def = this.ctx.template.Conditions?.[name]
    if (def === undefined) throw new Error(`unknown condition ${name}`)
    const value = Boolean(this.resolve(def))
    this.conditionCache.set(name, value)
    return value
  }

  /** Resources whose Condition holds, with their properties (and update policy, which takes Fn::If too) resolved. */
  resources(): Record<
    string,
    { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, unknown> }
  > {
    const out: Record<
      string,
      { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, unknown> }
    > = {}
    for (const [id, res] of Object.entries(this.ctx.template.Resources)) {
      if (res.Condition && !this.condition(res.Condition)) continue
      out[id] = { Type: res.Type, Properties: this.resolve(res.Properties ?? {}) as Record<string, unknown> }
      if (res.UpdatePolicy) out[id].UpdatePolicy = this.resolve(res.UpdatePolicy) as Record<string, unknown>
    }
    return out
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE)
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 1) {
      const [key, arg] = entries[0]
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return this.intrinsic(key, arg)
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of entries) {
      const r = this.resolve(v)
      if (r !== NO_VALUE) out[k] = r
    }
    return out
  }

  private ref(name: string): unknown {
    const pseudo: Record<string, unknown> = {
      'AWS::AccountId': this.ctx.accountId,
      'AWS::Region': this.ctx.region,
      'AWS::Partition': partitionOf(this.ctx.region),
      'AWS::StackName': this.ctx.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': NO_VALUE,
    }
    if (name in pseudo) return pseudo[name]
    if (name in this.params) return this.params[name]
    if (name in this.ctx.template.Resources) return this.ctx.ref ? this.ctx.ref(name) : `${name}-physical-id`
    throw new Error(`Ref to unknown name ${name}`)
  }

  private getAtt(id: string, attr: string): string {
    if (!(id in this.ctx.template.Resources)) throw new Error(`GetAtt of unknown resource ${id}`)
    return this.ctx.getAtt ? this.ctx.getAtt(id, attr) : `${id}.${attr}`
  }

  private sub(text: string, vars: Record<string, unknown>): string {
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return String(vars[name])
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.')
        return this.getAtt(name.slice(0, dot), name.slice(dot + 1))
      }
      return String(this.ref(name))
    })
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    const list = (v: unknown) => this.resolve(v) as unknown[]
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg))
      case 'Condition':
        return this.condition(String(arg))
      case 'Fn::Sub': {
        if (typeof arg === 'string') return this.sub(arg, {})
        const [text, vars] = arg as [string, Record<string, unknown>]
        return this.sub(text, this.resolve(vars) as Record<string, unknown>)
      }
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/)
        return this.getAtt(String(id), String(attr))
      }
      case 'Fn::ImportValue':
        return this.ctx.importValue(String(this.resolve(arg)))
      case 'Fn::Join': {
        const [sep, items] = arg as [string, unknown]
        return list(items).join(sep)
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown]
        return String(this.resolve(text)).split(sep)
      }
      case 'Fn::Select': {
        const [index, items] = arg as [unknown, unknown]
        return list(items)[Number(this.resolve(index))]
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg as [string, unknown, unknown]
        return this.resolve(this.condition(cond) ? yes : no)
      }
      case 'Fn::Equals': {
        const [a, b] = list(arg)
        return JSON.stringify(a) === JSON.stringify(b)
      }
      case 'Fn::Not':
        return !list(arg)[0]
      case 'Fn::And':
        return list(arg).every(Boolean)
      case 'Fn::Or':
        return list(arg).some(Boolean)
      case 'Fn::FindInMap': {
        const [map, top, second] = list(arg).map(String)
        return this.ctx.template.Mappings?.[map]?.[top]?.[second]
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(arg))).toString('base64')
      case 'Fn::GetAZs':
        return [`${this.ctx.region}a`, `${this.ctx.region}b`, `${this.ctx.region}c`]
      case 'Fn::Cidr':
        return ['cidr-0', 'cidr-1', 'cidr-2', 'cidr-3']
      default:
        throw new Error(`unsupported intrinsic ${fn}`)
    }
  }
}
