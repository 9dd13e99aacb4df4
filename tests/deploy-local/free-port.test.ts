// A free loopback port: closed again when handed over, and bindable on 127.0.0.1 at once; the port a server that
// bound port 0 announced, read from its log as moto and FerretDB write it (binds sockets on loopback).
import { createConnection, createServer } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { announcedPort, freeLoopbackPort } from '../../scripts/lib/deploy-local/free-port.ts'
import { MOTO_LISTENING } from '../../scripts/lib/sandbox/moto.ts'
import { FERRET_LISTENING } from '../harness/ferretdb.ts'

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

test("the announced port is read from moto's and FerretDB's own lines, never from half a line or another line", () => {
  const moto =
    'WARNING: This is a development server. Do not use it in a production deployment.\n * Running on http://127.0.0.1:37175\nPress CTRL+C to quit\n'
  assert.is(announcedPort(moto, MOTO_LISTENING), 37175)
  // A pipe's chunk may end inside the number: ':37' is not the port, and nothing is read until the line is whole.
  assert.is(announcedPort(moto.slice(0, moto.indexOf(':37175') + 3), MOTO_LISTENING), undefined)
  assert.is(announcedPort('GET /moto-api/ from 127.0.0.1:40000\n', MOTO_LISTENING), undefined)
  const ferret =
    '2026-12-03T14:06:17.681Z\tINFO\tferretdb/main.go:392\tStarting FerretDB v1.24.2...\n' +
    '2026-12-03T14:06:17.682Z\tINFO\tclientconn/listener.go:107\tListening on TCP 127.0.0.1:35027...\t{"name":"listener"}\n'
  assert.is(announcedPort(ferret, FERRET_LISTENING), 35027)
  assert.is(announcedPort(ferret.replace('TCP', 'TLS'), FERRET_LISTENING), 35027)
  assert.is(announcedPort(ferret.slice(0, ferret.indexOf('35027') + 4), FERRET_LISTENING), undefined)
  assert.is(announcedPort(' * Running on http://127.0.0.1:0\n', MOTO_LISTENING), undefined)
})

test.run()
