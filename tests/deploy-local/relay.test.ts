// The relay that lets an instance reach a loopback endpoint: which endpoints it relays, the URL it hands out, bytes
// both ways, and a close that ends open connections (HTTP servers and sockets on 127.0.0.1 and 127.0.0.2 only).
import { Agent, createServer, request, type Server } from 'node:http'
import { createConnection } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { freeLoopbackPort } from '../../scripts/lib/deploy-local/free-port.ts'
import { relayEndpoint } from '../../scripts/lib/deploy-local/relay.ts'

// The instance's host-side address stands here as another loopback address, so the relay is seen not to listen on 127.0.0.1.
const HOST_SIDE = '127.0.0.2'
let upstream: Server
let port: number

test.before(async () => {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => res.end(`${req.method} ${req.url} ${body}`))
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  port = (upstream.address() as { port: number }).port
})
test.after(async () => {
  upstream.closeAllConnections()
  await new Promise((r) => upstream.close(r))
})

const post = (url: string, body: string, agent?: Agent) =>
  new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent }, (res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve(text))
    })
    req.on('error', reject)
    req.end(body)
  })

test('an endpoint that is not on loopback is reached directly: no relay', async () => {
  for (const endpoint of [
    'https://s3.ap-south-1.amazonaws.com',
    'http://10.0.0.5:4566',
    'http://127.0.0.1.nip.io:5000',
  ])
    assert.is(await relayEndpoint(endpoint, HOST_SIDE), undefined, endpoint)
})

test("a loopback endpoint is relayed from the instance's side: same scheme and path, the relay's address and port", async () => {
  for (const [endpoint, path] of [
    [`http://127.0.0.1:${port}`, ''],
    [`http://localhost:${port}/moto`, '/moto'],
  ] as const) {
    const relay = (await relayEndpoint(endpoint, HOST_SIDE))!
    try {
      const m = relay.url.match(/^http:\/\/127\.0\.0\.2:(\d+)(.*)$/)
      assert.ok(m, relay.url)
      assert.is(m![2], path, 'no trailing slash added')
      assert.is.not(Number(m![1]), port)
      assert.is(await post(`${relay.url}/a?b=1`, 'payload'), `POST ${path}/a?b=1 payload`)
    } finally {
      await relay.close()
    }
  }
})

test('close ends the connections still open and the relay stops accepting new ones', async () => {
  const relay = (await relayEndpoint(`http://127.0.0.1:${port}`, HOST_SIDE))!
  const agent = new Agent({ keepAlive: true })
  try {
    assert.is(await post(`${relay.url}/`, 'one', agent), 'POST / one')
    const [socket] = Object.values(agent.freeSockets).flat()
    assert.ok(socket, 'a kept-alive connection through the relay')
    const ended = new Promise((r) => socket!.once('close', r))
    await relay.close()
    await ended
    const refused = await post(`${relay.url}/`, 'two').then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    )
    assert.is(refused, 'ECONNREFUSED')
  } finally {
    agent.destroy()
  }
})

test('a connection through the relay to an endpoint that is down is closed, not left hanging', async () => {
  const down = await freeLoopbackPort()
  const relay = (await relayEndpoint(`http://127.0.0.1:${down}`, HOST_SIDE))!
  try {
    const { port: relayPort } = new URL(relay.url)
    const closed = await new Promise<string>((resolve) => {
      const s = createConnection({ host: HOST_SIDE, port: Number(relayPort) })
      s.on('error', () => {})
      s.on('close', () => resolve('closed'))
      setTimeout(() => {
        s.destroy()
        resolve('still open after 3 s')
      }, 3000).unref()
    })
    assert.is(closed, 'closed')
  } finally {
    await relay.close()
  }
})

test.run()
