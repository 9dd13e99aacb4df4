// Rules on one app's settings that a schema cannot express (pure).
import { appProblem, type Rule } from './context.ts'
import { nonPublicClash } from './network.ts'

export const healthCheckTiming: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) =>
    app.healthCheck.timeout >= app.healthCheck.interval
      ? [
          appProblem(
            ctx,
            app.name,
            ['healthCheck', 'timeout'],
            `${app.name} healthCheck.timeout (${app.healthCheck.timeout}) must be less than interval (${app.healthCheck.interval}), as the ALB requires`,
            'health-check-timing',
          ),
        ]
      : [],
  )

export const staticRootByKind: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) => {
    if (app.kind === 'spa' && !app.nginx.staticRoot)
      return [
        appProblem(
          ctx,
          app.name,
          ['nginx'],
          `${app.name} is a single-page app: set nginx.staticRoot to the folder of the built bundle`,
          'spa-static-root',
        ),
      ]
    if (app.kind === 'api' && (app.nginx.staticRoot || app.nginx.assetsPath))
      return [
        appProblem(
          ctx,
          app.name,
          ['nginx', app.nginx.staticRoot ? 'staticRoot' : 'assetsPath'],
          `${app.name} is an api: staticRoot and assetsPath are for single-page apps only`,
          'spa-static-root',
        ),
      ]
    return []
  })

/** The admin portal faces the internet: every single-page app gets a per-client rate limit in nginx. */
export const spaRateLimit: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) =>
    app.kind === 'spa' && !app.nginx.rateLimit
      ? [
          appProblem(
            ctx,
            app.name,
            ['nginx'],
            `${app.name} is a single-page app on the internet: set nginx.rateLimit (e.g. { rate: 10r/s, burst: 40 }) so one client cannot flood its Node server`,
            'spa-rate-limit',
          ),
        ]
      : [],
  )

/** The ALB compares allowFrom with the client's public address; a rule holds at most 5 condition values. */
export const allowFromUsable: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) => {
    const ranges = app.allowFrom ?? []
    const problems = ranges.flatMap((cidr, i) => {
      const clash = nonPublicClash(ctx, cidr)
      return clash
        ? [
            appProblem(
              ctx,
              app.name,
              ['allowFrom', i],
              `${app.name} allowFrom ${cidr} overlaps ${clash}; the load balancer sees clients' public addresses: list the office's egress ranges`,
              'allow-from',
            ),
          ]
        : []
    })
    const values = app.hosts.length + app.paths.length + ranges.length
    if (ranges.length && values > 5)
      problems.push(
        appProblem(
          ctx,
          app.name,
          ['allowFrom'],
          `${app.name} has ${app.hosts.length} hosts, ${app.paths.length} paths and ${ranges.length} allowFrom ranges; an ALB listener rule holds at most 5 values in all: merge ranges or drop a host`,
          'allow-from',
        ),
      )
    return problems
  })
