// Rules on alarms: unique names and a scope that fits the metric (pure).
import type { AlarmMetric } from '../model.ts'
import { envProblem, type Rule } from './context.ts'

const APP_METRICS: AlarmMetric[] = ['target-5xx', 'unhealthy-hosts', 'healthy-hosts', 'response-time']
const GROUP_METRICS: AlarmMetric[] = ['cpu', 'memory', 'disk']

export const alarmNamesUnique: Rule = (ctx) => {
  const seen = new Set<string>()
  return ctx.model.env.alarms.flatMap((a, i) => {
    if (!seen.has(a.name)) return (seen.add(a.name), [])
    return [
      envProblem(
        ctx,
        ['alarms', i, 'name'],
        `alarm name '${a.name}' is used twice; alarm names must be unique`,
        'alarm-names-unique',
      ),
    ]
  })
}

export const alarmScope: Rule = (ctx) =>
  ctx.model.env.alarms.flatMap((a, i) => {
    const at = (key: string, message: string) => envProblem(ctx, ['alarms', i, key], message, 'alarm-scope', 'key')
    if (APP_METRICS.includes(a.metric)) {
      if (!a.app) return [at('metric', `alarm '${a.name}': metric ${a.metric} needs 'app' (the target group to watch)`)]
      if (a.instanceGroup)
        return [at('instanceGroup', `alarm '${a.name}': metric ${a.metric} watches an app; remove 'instanceGroup'`)]
      if (!(a.app in (ctx.data.apps ?? {})))
        return [
          envProblem(
            ctx,
            ['alarms', i, 'app'],
            `alarm '${a.name}': app '${a.app}' is not deployed in this environment`,
            'alarm-scope',
          ),
        ]
    } else if (GROUP_METRICS.includes(a.metric)) {
      if (!a.instanceGroup) return [at('metric', `alarm '${a.name}': metric ${a.metric} needs 'instanceGroup'`)]
      if (a.app) return [at('app', `alarm '${a.name}': metric ${a.metric} watches instances; remove 'app'`)]
    } else if (a.app || a.instanceGroup) {
      return [
        at(
          a.app ? 'app' : 'instanceGroup',
          `alarm '${a.name}': metric ${a.metric} is environment-wide; remove '${a.app ? 'app' : 'instanceGroup'}'`,
        ),
      ]
    }
    return []
  })

/**
 * Every app's target group has a healthy-hosts alarm that fires on too few: an instance the group failed to replace,
 * or one that never got its apps, takes capacity away without a single 5xx until the rest are overloaded.
 */
export const capacityWatched: Rule = (ctx) => {
  const alarms = ctx.model.env.alarms
  const wrongWay = alarms.flatMap((a, i) =>
    a.metric === 'healthy-hosts' && !a.comparison.startsWith('LessThan')
      ? [
          envProblem(
            ctx,
            ['alarms', i, 'comparison'],
            `alarm '${a.name}': healthy-hosts watches for too few healthy instances; use LessThanThreshold (or LessThanOrEqualToThreshold)`,
            'capacity-watched',
          ),
        ]
      : [],
  )
  const watched = new Set(alarms.filter((a) => a.metric === 'healthy-hosts').map((a) => a.app))
  const missing = ctx.model.apps
    .filter((app) => !watched.has(app.name))
    .map((app) => {
      const group = ctx.model.env.instanceGroups.find((g) => g.name === app.instanceGroup)
      // Maximum over 5 minutes: an instance out for its deployment is back within the window, a lost one is not.
      const example = `{ name: ${app.name}-capacity, metric: healthy-hosts, app: ${app.name}, statistic: Maximum, threshold: ${group?.count ?? 2}, comparison: LessThanThreshold, period: 300, evaluationPeriods: 3 }`
      return envProblem(
        ctx,
        ['apps', app.name],
        `app '${app.name}' has no healthy-hosts alarm: add ${example} under alarms, so lost capacity pages someone`,
        'capacity-watched',
        'key',
      )
    })
  return [...wrongWay, ...missing]
}
