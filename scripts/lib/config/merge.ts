// Builds the normalized Model from validated documents: app defaults, then the environment's overrides (pure).
import { backupAgeShape, type Alarm, type App, type Environment, type Model } from './model.ts'
import type { AppSchema, EnvironmentSchema } from './schema-types.ts'
import { byText } from '../order.ts'

export type AppDocument = AppSchema.Application
export type EnvironmentDocument = EnvironmentSchema.Environment
type AppOverride = EnvironmentSchema.AppOverride
/** What an override may say about a setting: any part of it, at any depth; a list is replaced whole. */
type Over<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Over<T[K]> } : T

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge in one direction: `over` wins; lists are replaced, not concatenated. */
export function mergeOver<T extends object>(base: T, over: NoInfer<Over<T>>): T {
  const out: Json = { ...(base as Json) }
  for (const [k, v] of Object.entries(over)) {
    const b = (base as Json)[k]
    out[k] = isObject(v) && isObject(b) ? mergeOver(b, v) : v
  }
  return out as T // every key of `over` is a key of T holding a part of T's value there (Over<T>)
}

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    Object.values(v).forEach(deepFreeze)
    Object.freeze(v)
  }
  return v
}

const byName = byText<{ name: string }>((x) => x.name)

type AlarmShape = Pick<Alarm, 'statistic' | 'comparison' | 'evaluationPeriods'>
/** The schema requires these of every alarm but backup-age (an if/then no type can say); backup-age's are derived. */
function alarmShape(a: NonNullable<EnvironmentDocument['alarms']>[number]): AlarmShape {
  if (a.metric === 'backup-age') return backupAgeShape(a)
  const { statistic, comparison, evaluationPeriods } = a
  if (statistic === undefined || comparison === undefined || evaluationPeriods === undefined)
    throw new Error(`alarm '${a.name}' passed the schema without statistic, comparison or evaluationPeriods`)
  return { statistic, comparison, evaluationPeriods }
}

/** An app as one environment runs it: the file's settings, the environment's overrides, and what only it says. */
export function mergeApp(file: AppDocument, override: AppOverride): App {
  const { $schema: _a, ...settings } = file
  const { version, instanceGroup, allowFrom, ...overrides } = override
  const merged = mergeOver(settings, overrides)
  return { ...merged, hosts: merged.hosts ?? [], version, instanceGroup, ...(allowFrom && { allowFrom }) }
}

export function buildModel(env: EnvironmentDocument, apps: Map<string, AppDocument>): Model {
  const { $schema: _s, apps: overrides, instanceGroups, notifications, alarms, ...rest } = env
  const environment: Environment = {
    ...rest,
    instanceGroups: Object.entries(instanceGroups)
      .map(([name, g]) => ({ name, ...g }))
      .sort(byName),
    notifications: Object.entries(notifications)
      .map(([name, t]) => ({ name, ...t }))
      .sort(byName),
    alarms: (alarms ?? []).map((a) => ({ ...a, ...alarmShape(a) })),
  }
  const merged = Object.entries(overrides)
    .filter(([name]) => apps.has(name))
    .map(([name, o]) => mergeApp(apps.get(name)!, o))
    .sort(byName)
  return deepFreeze({ env: environment, apps: merged })
}
