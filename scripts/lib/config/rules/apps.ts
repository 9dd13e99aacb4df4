// Rules on one app's settings that a schema cannot express (pure).
import { appProblem, type Rule } from './context.ts'

export const healthCheckTiming: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) =>
    app.healthCheck.timeout >= app.healthCheck.interval
      ? [appProblem(ctx, app.name, ['healthCheck', 'timeout'], `${app.name} healthCheck.timeout (${app.healthCheck.timeout}) must be less than interval (${app.healthCheck.interval}), as the ALB requires`, 'health-check-timing')]
      : [],
  )

export const staticRootByKind: Rule = (ctx) =>
  ctx.model.apps.flatMap((app) => {
    if (app.kind === 'spa' && !app.nginx.staticRoot)
      return [appProblem(ctx, app.name, ['nginx'], `${app.name} is a single-page app: set nginx.staticRoot to the folder of the built bundle`, 'spa-static-root')]
    if (app.kind === 'api' && (app.nginx.staticRoot || app.nginx.assetsPath))
      return [appProblem(ctx, app.name, ['nginx', app.nginx.staticRoot ? 'staticRoot' : 'assetsPath'], `${app.name} is an api: staticRoot and assetsPath are for single-page apps only`, 'spa-static-root')]
    return []
  })
