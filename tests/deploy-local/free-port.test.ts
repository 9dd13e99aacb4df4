// A free loopback port: closed again when handed over, and bindable on 127.0.0.1 at once (binds sockets on loopback).
import { createConnection, createServer } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { freeLoopbackPort } from '../../scripts/lib/deploy-local/free-port.ts'

const connect = (port: number) =>
  new Promise<string>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port })
    s.on('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })

test('the port is an unprivileged one that nothing listens on any more when it is handed over', async () => {
  const port = await freeLoopbackPort()
  assert.ok(Number.isInteger(port) && port >= 1024 && port <= 65535, String(port))
  assert.is(await connect(port), 'ECONNREFUSED')
})

test('a server can listen on the port at once on 127.0.0.1, and is reached there', async () => {
  const port = await freeLoopbackPort()
  const srv = createServer((s) => s.end())
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject)
    srv.listen(port, '127.0.0.1', resolve)
  })
  try {
    assert.is((srv.address() as { port: number }).port, port)
    assert.is(await connect(port), 'connected')
  } finally {
    await new Promise((r) => srv.close(r))
  }
})

test.run()
