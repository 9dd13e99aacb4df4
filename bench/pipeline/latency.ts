// The latency of scripts/lib/plan/apply-duration.ts applied to moto as SDK middleware, on a scaled clock (I/O: timers).

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  ctx: { commandName?: string },
) => (args: { input: Record<string, unknown> }) => Promise<unknown>
type Client = { middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void } }

/**
 * Delays each call of `client` by `seconds(command, input)` / scale, and counts calls by command. `scale` 0 counts
 * without delaying: the bench's second pass, which measures the real overhead (moto, bundles) to keep it unscaled.
 */
export function addLatency(
  client: Client,
  scale: number,
  seconds: (command: string, input: Record<string, unknown>) => number,
  counts: Map<string, number>,
) {
  const mw: Middleware = (next, ctx) => async (args) => {
    const command = (ctx.commandName ?? '?').replace(/Command$/, '')
    counts.set(command, (counts.get(command) ?? 0) + 1)
    if (scale > 0) await new Promise((r) => setTimeout(r, (seconds(command, args.input) * 1000) / scale))
    return next(args)
  }
  client.middlewareStack.add(mw as never, { step: 'initialize', name: `benchLatency${Math.random()}` })
}
