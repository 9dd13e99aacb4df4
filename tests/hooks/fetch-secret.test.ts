// Tests hooks/lib/fetch-secret.mjs against a fake IMDS that refuses IMDSv1 and a fake S3 that checks the
// session credentials (I/O: two loopback HTTP servers and a node child process).
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const script = new URL('../../hooks/lib/fetch-secret.mjs', import.meta.url).pathname
const SECRET = 'DB_PASSWORD=from-imds-test\n'
const seen: string[] = []

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)))

const imds = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`)
  if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('tok-123')
  if (req.headers['x-aws-ec2-metadata-token'] !== 'tok-123') {
    res.statusCode = 401
    return res.end()
  } // IMDSv1 refused
  if (req.url === '/latest/meta-data/iam/security-credentials/') return res.end('app-role')
  if (req.url === '/latest/meta-data/iam/security-credentials/app-role')
    return res.end(JSON.stringify({ AccessKeyId: 'AKIDTEST', SecretAccessKey: 'secret', Token: 'session-tok' }))
  res.statusCode = 404
  res.end()
})
// Where a redirect would lead: it must never be asked.
const elsewhere = createServer((req, res) => {
  seen.push(`elsewhere ${req.url} token=${req.headers['x-amz-security-token'] ?? ''}`)
  res.end(SECRET)
})
const s3 = createServer((req, res) => {
  if (req.url?.startsWith('/bucket/moved/')) {
    res.writeHead(307, { location: `http://127.0.0.1:${ports[2]}/steal${req.url}` })
    return res.end()
  }
  const signed =
    /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/ap-south-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/
  if (!signed.test(String(req.headers.authorization)) || req.headers['x-amz-security-token'] !== 'session-tok') {
    res.statusCode = 403
    return res.end()
  }
  if (req.url === '/bucket/secrets/production/patient-api/.env') return res.end(SECRET)
  res.statusCode = 404
  res.end('<Error>NoSuchKey</Error>')
})

function fetchSecret(
  key: string,
  ports: [number, number, number],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'ap-south-1',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${ports[0]}`,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${ports[1]}`,
    }
    const child = spawn(process.execPath, [script, 'bucket', key], { env })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

let ports: [number, number, number]
test.before(async () => {
  ports = [await listen(imds), await listen(s3), await listen(elsewhere)]
})
test.after(() => {
  imds.close()
  s3.close()
  elsewhere.close()
})

test('credentials come from IMDSv2 (token first) and the object goes to stdout only', async () => {
  const r = await fetchSecret('secrets/production/patient-api/.env', ports)
  assert.is(r.code, 0, r.err)
  assert.is(r.out, SECRET)
  assert.is(r.err, '')
  assert.equal(seen.slice(0, 3), [
    'PUT /latest/api/token',
    'GET /latest/meta-data/iam/security-credentials/',
    'GET /latest/meta-data/iam/security-credentials/app-role',
  ])
})

test('a missing object fails clearly with its own exit code (3), printing neither body nor credentials', async () => {
  const r = await fetchSecret('secrets/production/nope/.env', ports)
  assert.is(r.code, 3)
  assert.is(r.out, '')
  assert.is(r.err, 'fetch-secret: s3://bucket/secrets/production/nope/.env does not exist\n')
})

test('a redirect from S3 is refused, never followed with the session token', async () => {
  const r = await fetchSecret('moved/patient-api/.env', ports)
  assert.is(r.code, 1)
  assert.is(r.out, '')
  assert.match(
    r.err,
    /^fetch-secret: s3:\/\/bucket\/moved\/patient-api\/\.env: S3 answered a redirect \(HTTP 307\); not followed/,
  )
  assert.equal(
    seen.filter((s) => s.startsWith('elsewhere')),
    [],
  )
})

test.run()
