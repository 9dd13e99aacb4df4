// Rules on alarms: unique names and a scope that fits the metric (pure).
import type { AlarmMetric } from '../model.ts'
import { envProblem, type Rule } from './context.ts'

const APP_METRICS: AlarmMetric[] = ['target-5xx', 'unhealthy-hosts', 'response-time']
const GROUP_METRICS: AlarmMetric[] = ['cpu', 'memory', 'disk']

export const alarmNamesUnique: Rule = (ctx) =>
  ctx.model.env.alarms.flatMap((a, i, all) =>
    all.findIndex((b) => b.name === a.name) < i ? [envProblem(ctx, ['alarms', i, 'name'], `alarm name '${a.name}' is used twice; alarm names must be unique`, 'alarm-names-unique')] : [],
  )

export const alarmScope: Rule = (ctx) =>
  ctx.model.env.alarms.flatMap((a, i) => {
    const at = (key: string, message: string) => envProblem(ctx, ['alarms', i, key], message, 'alarm-scope', 'key')
    if (APP_METRICS.includes(a.metric)) {
      if (!a.app) return [at('metric', `alarm '${a.name}': metric ${a.metric} needs 'app' (the target group to watch)`)]
      if (a.instanceGroup) return [at('instanceGroup', `alarm '${a.name}': metric ${a.metric} watches an app; remove 'instanceGroup'`)]
      if (!(a.app in (ctx.data.apps ?? {}))) return [envProblem(ctx, ['alarms', i, 'app'], `alarm '${a.name}': app '${a.app}' is not deployed in this environment`, 'alarm-scope')]
    } else if (GROUP_METRICS.includes(a.metric)) {
      if (!a.instanceGroup) return [at('metric', `alarm '${a.name}': metric ${a.metric} needs 'instanceGroup'`)]
      if (a.app) return [at('app', `alarm '${a.name}': metric ${a.metric} watches instances; remove 'app'`)]
    } else if (a.app || a.instanceGroup) {
      return [at(a.app ? 'app' : 'instanceGroup', `alarm '${a.name}': metric ${a.metric} is environment-wide; remove '${a.app ? 'app' : 'instanceGroup'}'`)]
    }
    return []
  })
