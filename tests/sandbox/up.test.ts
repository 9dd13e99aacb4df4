// `sandbox` up's own contract short of a whole run (tests/integration/sandbox/sandbox.test.ts runs that): a second
// sandbox in the same folder is refused before anything starts, the version bump it plans, the lines that print the
// URLs, and how it asks an app through its listener (temp folder; an HTTP server on 127.0.0.1).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { readSandbox, saveSandbox, type SandboxState } from '../../scripts/lib/sandbox/state.ts'
import { answer, nextPatch, sandboxUp, urlLines } from '../../scripts/lib/sandbox/up.ts'

const root = new URL('../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'sandbox-up-'))
let server: Server | undefined
test.after(async () => {
  server?.closeAllConnections()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  rmSync(work, { recursive: true, force: true })
})

test('a second sandbox in the same folder is refused in one line, and the first is left as it was', async () => {
  const dir = join(work, 'sandbox')
  const first: SandboxState = { env: 'staging', moto: { pid: 1, endpoint: 'http://127.0.0.1:1' }, fleets: [], urls: [] }
  saveSandbox(dir, first)
  const said: string[] = []
  const err = await sandboxUp({ root, dir, env: 'staging', say: (l) => void said.push(l) }).catch((e: unknown) => e)
  assert.instance(err, InputError)
  assert.is((err as Error).message, `a sandbox is already up in ${dir}; stop it with npm run sandbox -- down`)
  assert.equal([said, readdirSync(dir), readSandbox(dir)], [[], ['sandbox.json'], first])
})

test('the version bump it plans is the next patch', () => {
  assert.is(nextPatch('1.14.2'), '1.14.3')
  assert.is(nextPatch('0.9.9'), '0.9.10')
  assert.is(nextPatch('10.0.199'), '10.0.200')
  assert.is(nextPatch('latest'), 'latest', 'not a version: left as it is')
})

test('each app is printed as the curl that reaches it through its listener with its host name', () => {
  assert.equal(
    urlLines([
      { app: 'patient-api', version: '1.14.2', url: 'http://127.0.0.1:40001/', host: 'patient-api.drsignet.com' },
      { app: 'admin-portal', version: '2.3.0', url: 'http://127.0.0.1:40002/', host: 'admin.drsignet.com' },
    ]),
    [
      "  patient-api 1.14.2: curl -H 'Host: patient-api.drsignet.com' http://127.0.0.1:40001/",
      "  admin-portal 2.3.0: curl -H 'Host: admin.drsignet.com' http://127.0.0.1:40002/",
    ],
  )
})

test('an app is asked with its host name and answers with its status and body; one that never answers fails in 5 s', async () => {
  let seen: IncomingHttpHeaders = {}
  server = createServer((req, res) => {
    seen = req.headers
    if (req.url === '/hang') return
    res.writeHead(req.url === '/missing' ? 404 : 200)
    res.end(`${req.method} ${req.url}`)
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  assert.equal(await answer(`${base}/`, 'patient-api.drsignet.com'), { status: 200, body: 'GET /' })
  assert.is(seen.host, 'patient-api.drsignet.com')
  assert.equal(await answer(`${base}/missing`, 'x'), { status: 404, body: 'GET /missing' })
  const started = Date.now()
  const err = await answer(`${base}/hang`, 'x').catch((e: Error) => e.message)
  assert.is(err, `GET ${base}/hang: no answer within 5 s`)
  assert.ok(Date.now() - started < 7000)
})

test.run()
