// A free TCP port on 127.0.0.1, for a load balancer listener or a test service (I/O: binds a socket briefly).
import { createServer } from 'node:net'

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
