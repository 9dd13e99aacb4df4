// Rules on ports and routing: no two listeners collide on an instance, and every request has one app (pure).
import type { Problem } from '../model.ts'
import { appProblem, type Rule } from './context.ts'

export const portsValid: Rule = (ctx) => {
  const { env, apps } = ctx.model
  const reserved = new Map([
    [env.network.sshPort, 'the SSH port'],
    [env.network.mongoPort, 'the Mongo port'],
  ])
  const problems: Problem[] = []
  const taken = new Map<string, string>() // "group:port" -> "app.key"
  for (const app of apps) {
    for (const key of ['port', 'proxyPort'] as const) {
      const port = app[key]
      const fail = (m: string) =>
        problems.push(appProblem(ctx, app.name, [key], `${app.name} ${key} ${port}: ${m}`, 'ports'))
      // Below 1024 also rules out nginx's own 80 and 443.
      if (port < 1024) fail('must be >= 1024 (apps never run as root, and nginx owns 80 and 443)')
      else if (reserved.has(port)) fail(`clashes with ${reserved.get(port)}`)
      const slot = `${app.instanceGroup}:${port}`
      const owner = taken.get(slot)
      if (owner) fail(`already used by ${owner} on instance group '${app.instanceGroup}'`)
      else taken.set(slot, `${app.name} ${key}`)
    }
  }
  return problems
}

export const hostsUnique: Rule = (ctx) => {
  const seen = new Map<string, string>()
  return ctx.model.apps.flatMap((app) =>
    app.hosts.flatMap((host, i) => {
      const owner = seen.get(host)
      seen.set(host, owner ?? app.name)
      return owner
        ? [
            appProblem(
              ctx,
              app.name,
              ['hosts', i],
              `host '${host}' is already served by ${owner}; host names must be unique in an environment`,
              'hosts-unique',
            ),
          ]
        : []
    }),
  )
}

/** Apps without hosts share the default host, so their path prefixes must differ (hosts are unique already). */
export const routesUnique: Rule = (ctx) => {
  const seen = new Map<string, string>()
  return ctx.model.apps
    .filter((app) => app.hosts.length === 0)
    .flatMap((app) =>
      app.paths.flatMap((path, i) => {
        const owner = seen.get(path)
        if (!owner) seen.set(path, app.name)
        return owner
          ? [
              appProblem(
                ctx,
                app.name,
                ['paths', i],
                `path ${path} on the default host is already routed to ${owner}; give the app a host or its own path`,
                'routes-unique',
              ),
            ]
          : []
      }),
    )
}
