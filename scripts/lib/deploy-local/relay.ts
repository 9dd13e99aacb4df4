// Lets hooks inside an instance namespace reach a loopback endpoint on the host (moto in tests):
// a TCP relay on the instance's host-side address, like a VPC endpoint for the instance (I/O).
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export type Relay = { url: string; close: () => Promise<void> }

export async function relayEndpoint(endpoint: string, listenHost: string): Promise<Relay | undefined> {
  const target = new URL(endpoint)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) return undefined
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80))
  const open = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port })
    for (const s of [client, upstream]) {
      open.add(s)
      s.on('close', () => open.delete(s))
    }
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, listenHost, resolve)
  })
  const { port: relayPort } = server.address() as { port: number }
  const url = new URL(endpoint)
  url.hostname = listenHost
  url.port = String(relayPort)
  // Closing ends the connections still open too (a keep-alive client would otherwise hold the close forever).
  return {
    url: url.toString().replace(/\/$/, ''),
    close: () =>
      new Promise((r) => {
        server.close(() => r())
        for (const s of open) s.destroy()
      }),
  }
}
