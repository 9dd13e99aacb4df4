// Rules on instance groups: min <= count <= max, room to replace an instance in production, apps on app groups only
// and no more than the group's target group slots (pure).
import { MAX_APPS_PER_GROUP } from '../model.ts'
import { envProblem, type Rule } from './context.ts'

export const scalingBounds: Rule = (ctx) =>
  ctx.model.env.instanceGroups.flatMap((g) => {
    const s = g.scaling
    if (!s) return []
    const at = (key: string, message: string) =>
      envProblem(ctx, ['instanceGroups', g.name, 'scaling', key], message, 'scaling-bounds')
    if (s.min > g.count)
      return [
        at('min', `instance group '${g.name}': scaling.min ${s.min} is above count ${g.count}; min <= count <= max`),
      ]
    if (s.max < g.count)
      return [
        at('max', `instance group '${g.name}': scaling.max ${s.max} is below count ${g.count}; min <= count <= max`),
      ]
    if (s.max === s.min)
      return [
        at(
          'max',
          `instance group '${g.name}': scaling.min and max are both ${s.min}, so the group can never scale; remove 'scaling' or raise max`,
        ),
      ]
    return []
  })

/** Production keeps serving while an instance is replaced or updated: every app group keeps two, even scaled in. */
export const productionRoom: Rule = (ctx) => {
  const { env } = ctx.model
  if (env.name !== 'production') return []
  return env.instanceGroups
    .filter((g) => g.name !== env.backup.instanceGroup && ctx.model.apps.some((a) => a.instanceGroup === g.name))
    .filter((g) => (g.scaling?.min ?? g.count) < 2)
    .map((g) =>
      envProblem(
        ctx,
        ['instanceGroups', g.name, g.scaling ? 'scaling' : 'count'],
        `instance group '${g.name}' in production may run on ${g.scaling?.min ?? g.count} instance; it needs at least 2 (raise ${g.scaling ? 'scaling.min' : 'count'}), or one lost instance is an outage`,
        'production-room',
        g.scaling ? 'key' : 'value',
      ),
    )
}

/**
 * An app runs on an app group: the database group's instances read no app bundles, and their health is the database's.
 * An app group registers its instances in at most MAX_APPS_PER_GROUP target groups (instance-group.yaml's slots).
 */
export const appsPerGroup: Rule = (ctx) => {
  const { env, apps } = ctx.model
  const onDatabase = apps
    .filter((a) => a.instanceGroup === env.backup.instanceGroup)
    .map((a) =>
      envProblem(
        ctx,
        ['apps', a.name, 'instanceGroup'],
        `app '${a.name}' is on the database group '${a.instanceGroup}'; put it on an app group (the database instance reads no app bundles and is not behind the load balancer)`,
        'app-on-app-group',
      ),
    )
  const crowded = env.instanceGroups
    .filter((g) => apps.filter((a) => a.instanceGroup === g.name).length > MAX_APPS_PER_GROUP)
    .map((g) =>
      envProblem(
        ctx,
        ['instanceGroups', g.name],
        `instance group '${g.name}' serves ${apps.filter((a) => a.instanceGroup === g.name).length} apps; an Auto Scaling group here registers its instances in at most ${MAX_APPS_PER_GROUP} target groups, so move some apps to another group`,
        'apps-per-group',
        'key',
      ),
    )
  return [...onDatabase, ...crowded]
}
