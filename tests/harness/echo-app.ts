// A small Node HTTP app for proxy tests: echoes what it received, answers /healthz, upgrades WebSockets (I/O: listens on loopback).
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export type EchoApp = { name: string; port: number; sockets: Set<number>; stop: () => Promise<void> }

// workUs: CPU each request costs the app (busy wait), so a benchmark can price the proxy against a handler that does work.
export async function startEchoApp(name: string, port = 0, workUs = 0): Promise<EchoApp> {
  const sockets = new Set<number>()
  const server = createServer((req: IncomingMessage, res) => {
    sockets.add(req.socket.remotePort!)
    let size = 0
    req.on('data', (c: Buffer) => (size += c.length))
    req.on('end', () => {
      if (workUs > 0)
        for (const until = process.hrtime.bigint() + BigInt(workUs) * 1000n; process.hrtime.bigint() < until;);
      const body =
        req.url === '/healthz'
          ? { status: 'ok', app: name }
          : { app: name, method: req.method, url: req.url, headers: req.headers, bodyBytes: size }
      // As an Express app answers: its name, and a cache policy of its own that nginx must not pass on for an API.
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-powered-by': 'Express',
        'cache-control': 'public, max-age=600',
      })
      res.end(JSON.stringify(body))
    })
  })
  server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-App: ${name}\r\n\r\n`,
    )
    socket.on('data', (d) => socket.write(d)) // echo frames back
  })
  server.keepAliveTimeout = 65_000
  // Upgraded sockets leave the server's bookkeeping, so stop() destroys every socket it ever accepted.
  const open = new Set<import('node:net').Socket>()
  server.on('connection', (s) => {
    open.add(s)
    s.on('close', () => open.delete(s))
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return {
    name,
    port: (server.address() as AddressInfo).port,
    sockets,
    stop: () =>
      new Promise((r) => {
        server.close(() => r())
        for (const s of open) s.destroy()
      }),
  }
}
