// The compiler holds the JSON Schemas (as schema-types.ts gives them) and the Model (config/model.ts) together: a field
// one has and the other lacks, or a type they disagree on, is a type error (tests/typecheck.test.ts), not a setting the
// YAML accepts and render ignores. Types only; nothing runs.
import type { Alarm, App, Environment, InstanceGroup } from '../../scripts/lib/config/model.ts'
import type { AppSchema, EnvironmentSchema } from '../../scripts/lib/config/schema-types.ts'

/**
 * true when A and B are the same type, else a type that names both. Strict: mutual assignability would let an
 * optional property that only one side has (at any depth) pass, which is the drift this file exists to catch.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : { differ: [A, B] }
type Is<T extends true> = T
/** One object type from an intersection, as strict equality compares them. */
type Flat<T> = { [K in keyof T]: T[K] }

type AppFile = Omit<AppSchema.Application, '$schema'>
type EnvDoc = Omit<EnvironmentSchema.Environment, '$schema'>
type EnvApp = EnvDoc['apps'][string]
type EnvAlarm = NonNullable<EnvDoc['alarms']>[number]
// A backup-age alarm leaves these out; the Model fills them (merge.ts, backupAgeShape).
type FilledByMerge = 'statistic' | 'comparison' | 'evaluationPeriods'

// An app is its file's settings, the environment's overrides of them, and what only the environment says.
export type AppKeys = Is<Same<keyof App, keyof AppFile | keyof EnvApp>>
export type AppFromFile = Is<
  Same<Omit<App, 'version' | 'instanceGroup' | 'hosts' | 'allowFrom'>, Omit<AppFile, 'hosts'>>
>
export type AppHosts = Is<Same<App['hosts'], NonNullable<AppFile['hosts']>>>
export type AppFromEnvironment = Is<
  Same<Pick<App, 'version' | 'instanceGroup'>, Required<Pick<EnvApp, 'version' | 'instanceGroup'>>>
>
export type AppAllowFrom = Is<Same<App['allowFrom'], EnvApp['allowFrom']>>

// The environment: every field of the document, with the maps the Model turns into sorted lists.
export type EnvKeys = Is<Same<keyof Environment, Exclude<keyof EnvDoc, 'apps'>>>
export type EnvAsWritten = Is<
  Same<
    Omit<Environment, 'instanceGroups' | 'notifications' | 'alarms'>,
    Omit<EnvDoc, 'apps' | 'instanceGroups' | 'notifications' | 'alarms'>
  >
>
export type Groups = Is<Same<Omit<InstanceGroup, 'name'>, EnvDoc['instanceGroups'][string]>>
export type Topics = Is<Same<Omit<Environment['notifications'][number], 'name'>, EnvDoc['notifications'][string]>>
export type Alarms = Is<Same<Alarm, Flat<Omit<EnvAlarm, FilledByMerge> & Required<Pick<EnvAlarm, FilledByMerge>>>>>
