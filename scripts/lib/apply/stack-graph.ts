// Which stacks must wait for which: an edge wherever one stack's template imports an export another stack makes — pure.
import type { StackSpec } from '../aws/stack-updater.ts'

type Json = unknown

/** A name built by Fn::Sub from the stack's parameters (and AWS::StackName), or null when it depends on anything else. */
function resolveName(value: Json, spec: StackSpec): string | null {
  if (typeof value === 'string') return value
  const sub = (value as { 'Fn::Sub'?: Json } | null)?.['Fn::Sub']
  const [text, vars] =
    typeof sub === 'string'
      ? [sub, {}]
      : Array.isArray(sub) && typeof sub[0] === 'string'
        ? [sub[0], (sub[1] ?? {}) as Record<string, Json>]
        : [undefined, {}]
  if (text === undefined) return null
  let unresolved = false
  const out = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    const v =
      typeof vars[name] === 'string'
        ? (vars[name] as string)
        : name === 'AWS::StackName'
          ? spec.stack
          : spec.parameters[name]
    if (v === undefined) unresolved = true
    return v ?? ''
  })
  return unresolved ? null : out
}

/** Every value of `key` anywhere in the JSON tree. */
function collect(node: Json, key: string, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const n of node) collect(n, key, out)
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) k === key ? out.push(v) : collect(v, key, out)
  return out
}

/**
 * For each stack, the stacks it must wait for. An import no stack here exports (made outside this repository) adds no
 * edge; an import whose name cannot be worked out (or any import, once some export's name cannot be) makes the stack
 * wait for every stack listed before it, as before.
 */
export function stackDependencies(specs: (StackSpec & { after?: string[] })[]): Map<string, Set<string>> {
  const parsed = specs.map((s) => ({
    spec: s,
    template: JSON.parse(s.templateBody) as { Outputs?: Record<string, { Export?: { Name?: Json } }> },
  }))
  const exporter = new Map<string, string>()
  // An export whose name cannot be worked out could be any import's: then an import no known stack exports waits too.
  let unknownExports = false
  for (const { spec, template } of parsed) {
    for (const o of Object.values(template.Outputs ?? {})) {
      if (o.Export?.Name === undefined) continue
      const name = resolveName(o.Export.Name, spec)
      if (name) exporter.set(name, spec.stack)
      else unknownExports = true
    }
  }
  const deps = new Map<string, Set<string>>()
  parsed.forEach(({ spec, template }, i) => {
    const known = new Set(specs.map((s) => s.stack))
    const mine = new Set<string>((spec.after ?? []).filter((s) => known.has(s)))
    for (const imp of collect(template, 'Fn::ImportValue')) {
      const name = resolveName(imp, spec)
      if (name === null || (unknownExports && !exporter.has(name))) specs.slice(0, i).forEach((s) => mine.add(s.stack))
      else if (exporter.has(name) && exporter.get(name) !== spec.stack) mine.add(exporter.get(name)!)
    }
    deps.set(spec.stack, mine)
  })
  const cycle = findCycle(deps)
  if (cycle) throw new Error(`the stacks import from each other in a cycle: ${cycle.join(' -> ')}`)
  return deps
}

function findCycle(deps: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (s: string): string[] | undefined => {
    if (state.get(s) === 'done') return undefined
    if (state.get(s) === 'open') return [...path.slice(path.indexOf(s)), s]
    state.set(s, 'open')
    path.push(s)
    for (const d of deps.get(s) ?? []) {
      const c = visit(d)
      if (c) return c
    }
    path.pop()
    state.set(s, 'done')
    return undefined
  }
  for (const s of deps.keys()) {
    const c = visit(s)
    if (c) return c
  }
  return undefined
}

/** The longest chain of waits: the stacks that bound an apply's wall time however wide it runs. */
export function criticalPath(
  deps: Map<string, Set<string>>,
  cost: (stack: string) => number = () => 1,
): { stacks: string[]; cost: number } {
  const memo = new Map<string, { stacks: string[]; cost: number }>()
  const longest = (s: string): { stacks: string[]; cost: number } => {
    if (memo.has(s)) return memo.get(s)!
    let best = { stacks: [] as string[], cost: 0 }
    for (const d of deps.get(s) ?? []) {
      const c = longest(d)
      if (c.cost > best.cost) best = c
    }
    const r = { stacks: [...best.stacks, s], cost: best.cost + cost(s) }
    memo.set(s, r)
    return r
  }
  return [...deps.keys()].map(longest).reduce((a, b) => (b.cost > a.cost ? b : a), { stacks: [], cost: 0 })
}
