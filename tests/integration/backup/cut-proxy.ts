// A loopback TCP proxy that drops every connection once the server has sent N bytes on one, to cut MongoDB mid-stream (I/O: sockets).
import { createConnection, createServer, type Socket } from 'node:net'

export type CutProxy = { uri: string; cut: () => boolean; stop: () => Promise<void> }

export async function startCutProxy(targetPort: number, cutAfterBytes: number): Promise<CutProxy> {
  let cut = false
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    if (cut) return void client.destroy()
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort })
    sockets.add(client).add(upstream)
    let sent = 0
    client.on('data', (d) => upstream.write(d))
    upstream.on('data', (d) => {
      sent += d.length
      if (sent > cutAfterBytes || cut) {
        cut = true
        for (const s of sockets) s.destroy()
        return
      }
      client.write(d)
    })
    const close = () => (client.destroy(), upstream.destroy())
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=2000`,
    cut: () => cut,
    stop: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  }
}
