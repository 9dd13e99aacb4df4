// Builds the normalized Model from validated documents: app defaults, then the environment's overrides (pure).
import { backupAgeShape, type Alarm, type App, type Environment, type Model } from './model.ts'
import { byText } from '../order.ts'

type Json = Record<string, any>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge in one direction: `over` wins; lists are replaced, not concatenated. */
export function mergeOver(base: Json, over: Json): Json {
  const out: Json = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(base[k]) ? mergeOver(base[k], v) : v
  return out
}

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    Object.values(v).forEach(deepFreeze)
    Object.freeze(v)
  }
  return v
}

const byName = byText<{ name: string }>((x) => x.name)

export function mergeApp(defaults: Json, override: Json): App {
  const { $schema: _a, ...base } = defaults
  const merged = mergeOver(base, override)
  return { hosts: [], ...merged } as unknown as App
}

export function buildModel(env: Json, apps: Map<string, Json>): Model {
  const { $schema: _s, apps: overrides, instanceGroups, notifications, ...rest } = env
  const environment: Environment = {
    ...(rest as Omit<Environment, 'instanceGroups' | 'notifications'>),
    instanceGroups: Object.entries(instanceGroups as Json)
      .map(([name, g]) => ({ name, ...g }))
      .sort(byName),
    notifications: Object.entries(notifications as Json)
      .map(([name, t]) => ({ name, ...t }))
      .sort(byName),
    alarms: ((rest.alarms ?? []) as Alarm[]).map((a) =>
      a.metric === 'backup-age' ? { ...a, ...backupAgeShape(a) } : a,
    ),
  }
  const merged = Object.entries(overrides as Json)
    .filter(([name]) => apps.has(name))
    .map(([name, o]) => mergeApp(apps.get(name)!, o))
    .sort(byName)
  return deepFreeze({ env: environment, apps: merged })
}
