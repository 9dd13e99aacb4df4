// What a connection to the database must be: TLS with the certificate checked whenever it leaves the host, and the
// environment's CA when the URI names none (pure: reads the URI and the environment passed in).
import { createRequire } from 'node:module'
import type { ConnectionString as ConnectionStringType } from 'mongodb-connection-string-url' with {
  'resolution-mode': 'require',
}
import { checkoutUrl } from '../checkout.ts'

// The package's ESM wrapper carries no types; its CommonJS entry does (the driver itself parses URIs with it).
const { ConnectionString } = createRequire(checkoutUrl)('mongodb-connection-string-url') as {
  ConnectionString: typeof ConnectionStringType
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)(?::\d+)?$/i
const INSECURE = [
  'tlsInsecure',
  'tlsAllowInvalidCertificates',
  'tlsAllowInvalidHostnames',
  'sslAllowInvalidCertificates',
  'sslAllowInvalidHostnames',
]

/** The URI parsed as the driver parses it (option names case-insensitive); throws on a malformed one. */
export const parseMongoUri = (uri: string) => new ConnectionString(uri)

export type TlsDecision = { ok: true; options: { tls?: true; tlsCAFile?: string } } | { ok: false; reason: string }

/**
 * Health data and credentials never cross the network in cleartext: a URI to another host must turn TLS on, and none
 * may switch verification off. `caFile` (MONGODB_TLS_CA_FILE; the database hosts set it) is used when the URI names
 * no CA of its own.
 */
export function tlsPolicy(uri: string, caFile: string | undefined): TlsDecision {
  let cs: ConnectionStringType
  try {
    cs = parseMongoUri(uri)
  } catch (e) {
    return {
      ok: false,
      reason: `MONGODB_URI is not a MongoDB connection string (${(e as Error).message.split('\n')[0]})`,
    }
  }
  const q = cs.typedSearchParams<Record<string, string>>()
  const on = (name: string) => (q.get(name) ?? '').toLowerCase() === 'true'
  const off = (name: string) => (q.get(name) ?? '').toLowerCase() === 'false'
  const insecure = INSECURE.filter(on)
  if (insecure.length)
    return {
      ok: false,
      reason: `MONGODB_URI sets ${insecure.join(', ')}=true: the server's certificate would not be checked; remove it`,
    }
  // SRV turns TLS on unless the URI turns it off again.
  const tls = on('tls') || on('ssl') || (cs.isSRV && !off('tls') && !off('ssl'))
  const remote = cs.hosts.filter((h: string) => !LOOPBACK.test(h))
  if (!tls && remote.length)
    return {
      ok: false,
      reason: `MONGODB_URI reaches ${remote.join(', ')} without TLS: add tls=true (and tlsCAFile=, or set MONGODB_TLS_CA_FILE)`,
    }
  if (!tls) return { ok: true, options: caFile ? { tls: true, tlsCAFile: caFile } : {} }
  return { ok: true, options: q.has('tlsCAFile') || !caFile ? {} : { tlsCAFile: caFile } }
}
