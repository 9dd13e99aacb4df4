// A loopback TCP proxy between a client and MongoDB that, once N bytes have crossed one connection, either drops every
// connection (`cut`) or stops forwarding while keeping them open (`freeze`: a server that hangs) (I/O: sockets).
import { createConnection, createServer, type Socket } from 'node:net'

export type CutProxy = { uri: string; cut: () => boolean; stop: () => Promise<void> }

export async function startCutProxy(
  targetPort: number,
  cutAfterBytes: number,
  fault: 'cut' | 'freeze' = 'cut',
): Promise<CutProxy> {
  let cut = false
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    if (cut) return void (fault === 'cut' ? client.destroy() : sockets.add(client))
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort })
    sockets.add(client).add(upstream)
    let moved = 0
    const forward = (to: Socket) => (d: Buffer) => {
      moved += d.length
      if (moved > cutAfterBytes || cut) {
        cut = true
        if (fault === 'cut') for (const s of sockets) s.destroy()
        return
      }
      to.write(d)
    }
    client.on('data', forward(upstream))
    upstream.on('data', forward(client))
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
