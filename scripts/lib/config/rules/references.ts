// Rules that every name used in an environment refers to something that exists (pure).
import { suggest } from '../schema-problems.ts'
import { envProblem, type ReferenceRule } from './context.ts'

const hint = (name: string, known: string[]) => {
  const s = suggest(name, known)
  return s ? `; did you mean '${s}'?` : known.length ? `; known: ${known.join(', ')}` : ''
}

export const appsExist: ReferenceRule = (ctx) =>
  Object.keys(ctx.data.apps ?? {})
    .filter((name) => !ctx.appFiles.has(name))
    .map((name) =>
      envProblem(
        ctx,
        ['apps', name],
        `app '${name}' has no file apps/${name}.yaml${hint(name, [...ctx.appFiles])}`,
        'app-exists',
        'key',
      ),
    )

export const instanceGroupsExist: ReferenceRule = (ctx) => {
  const groups = Object.keys(ctx.data.instanceGroups ?? {})
  const uses: [string[], string | undefined][] = [
    ...Object.entries(ctx.data.apps ?? {}).map(
      ([name, a]: [string, any]) => [['apps', name, 'instanceGroup'], a.instanceGroup] as [string[], string],
    ),
    [['backup', 'instanceGroup'], ctx.data.backup?.instanceGroup],
    ...(ctx.data.alarms ?? []).map(
      (a: any, i: number) => [['alarms', String(i), 'instanceGroup'], a.instanceGroup] as [string[], string],
    ),
  ]
  return uses
    .filter(([, g]) => g !== undefined && !groups.includes(g))
    .map(([path, g]) =>
      envProblem(
        ctx,
        path,
        `instance group '${g}' is not defined in instanceGroups${hint(g!, groups)}`,
        'instance-group-exists',
      ),
    )
}

export const topicsExist: ReferenceRule = (ctx) => {
  const topics = Object.keys(ctx.data.notifications ?? {})
  const uses: [(string | number)[], string[]][] = [
    [['deployment', 'notify'], ctx.data.deployment?.notify ?? []],
    ...(ctx.data.alarms ?? []).map(
      (a: any, i: number) => [['alarms', i, 'notify'], a.notify ?? []] as [(string | number)[], string[]],
    ),
  ]
  return uses.flatMap(([path, names]) =>
    names.flatMap((t, i) =>
      topics.includes(t)
        ? []
        : [
            envProblem(
              ctx,
              [...path, i],
              `notification topic '${t}' is not defined in notifications${hint(t, topics)}`,
              'topic-exists',
            ),
          ],
    ),
  )
}

export const stopAlarmsExist: ReferenceRule = (ctx) => {
  const alarms = (ctx.data.alarms ?? []).map((a: any) => a.name as string)
  return (ctx.data.deployment?.stopOnAlarms ?? []).flatMap((name: string, i: number) =>
    alarms.includes(name)
      ? []
      : [
          envProblem(
            ctx,
            ['deployment', 'stopOnAlarms', i],
            `alarm '${name}' is not defined in alarms${hint(name, alarms)}`,
            'stop-alarm-exists',
          ),
        ],
  )
}
