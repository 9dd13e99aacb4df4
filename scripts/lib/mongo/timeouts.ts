// How long any MongoDB wait may take before the backup tools give up: bounds that a URI's own values override (pure).
import { parseMongoUri } from './tls-policy.ts'

/**
 * Bounds on every wait, so a frozen server fails a backup or restore instead of holding it until systemd's timeout:
 * finding the server, opening a connection, and any one reply. The longest single reply these tools wait for is a
 * restore's index build, which on this platform's collections takes minutes: 30 min leaves it room and still ends a
 * hung restore well inside the RTO. A value the URI sets wins (a larger socketTimeoutMS for a collection whose index
 * builds take longer).
 */
export const MONGO_TIMEOUTS = {
  serverSelectionTimeoutMS: 15_000,
  connectTimeoutMS: 10_000,
  socketTimeoutMS: 30 * 60_000,
} as const

export function mongoTimeouts(uri: string): Partial<typeof MONGO_TIMEOUTS> {
  const query = parseMongoUri(uri).typedSearchParams<Record<string, string>>()
  return Object.fromEntries(Object.entries(MONGO_TIMEOUTS).filter(([k]) => !query.has(k)))
}
