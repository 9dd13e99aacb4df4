// Loopback ports for a load balancer listener or a test service: one picked here, or the one a server picked itself
// and announced (I/O: binds a socket briefly).
import { createServer } from 'node:net'

/**
 * A port nothing listens on at this moment. Between its close here and the caller's own bind, any other process may
 * take it: fine for a server that fails loudly when its port is taken (nginx, a listener in this process), not for
 * one whose readiness probe another server of its kind could answer (use announcedPort there).
 */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })

/**
 * The port a server told to listen on port 0 says it bound, from its log so far: group 1 of `announcement`'s first
 * match, or undefined until it has said so. Such a server owns its port from the bind on, so a probe of that port can
 * only reach it. With a port picked beforehand, a moto that lost the port to another suite's moto exits, but its
 * suite's probe is answered by the winner, and the two suites then share one account. `announcement` must match to
 * the end of the line, so that a port cut in two by a pipe's chunk is never read short.
 */
export function announcedPort(log: string, announcement: RegExp): number | undefined {
  const port = Number(announcement.exec(log)?.[1])
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined
}
