// Streams s3://BUCKET/KEY to stdout with SigV4, credentials from the instance role over IMDSv2 only
// (or AWS_* variables, which only the local runner sets). Errors never include the object's body.
import { createHash, createHmac } from 'node:crypto'

const [bucket, key] = process.argv.slice(2)
const region = process.env.AWS_REGION || 'us-east-1'
const fail = (msg) => {
  process.stderr.write(`fetch-secret: ${msg}\n`)
  process.exit(1)
}
if (!bucket || !key) fail('usage: fetch-secret.mjs BUCKET KEY')

async function imdsCredentials() {
  // The SDKs' own override of the metadata address; tests point it at a fake IMDS on loopback.
  const base = `${(process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT || 'http://169.254.169.254').replace(/\/$/, '')}/latest`
  const signal = AbortSignal.timeout(3000)
  // IMDSv2: a session token first; IMDSv1 GETs are never made.
  const tokenRes = await fetch(`${base}/api/token`, {
    method: 'PUT',
    headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '300' },
    redirect: 'error',
    signal,
  })
  if (!tokenRes.ok) throw new Error(`IMDSv2 token: HTTP ${tokenRes.status}`)
  const headers = { 'X-aws-ec2-metadata-token': await tokenRes.text() }
  const role = (
    await (await fetch(`${base}/meta-data/iam/security-credentials/`, { headers, redirect: 'error', signal })).text()
  ).split('\n')[0]
  if (!role) throw new Error('no instance role attached')
  const c = await (
    await fetch(`${base}/meta-data/iam/security-credentials/${role}`, { headers, redirect: 'error', signal })
  ).json()
  return { id: c.AccessKeyId, secret: c.SecretAccessKey, token: c.Token }
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex')
const hmac = (k, s) => createHmac('sha256', k).update(s).digest()
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

async function main() {
  const creds = process.env.AWS_ACCESS_KEY_ID
    ? {
        id: process.env.AWS_ACCESS_KEY_ID,
        secret: process.env.AWS_SECRET_ACCESS_KEY,
        token: process.env.AWS_SESSION_TOKEN,
      }
    : await imdsCredentials().catch((e) => fail(`no instance credentials (${e.message})`))
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL
  const keyPath = key.split('/').map(encode).join('/')
  const url = new URL(
    endpoint
      ? `${endpoint.replace(/\/$/, '')}/${encode(bucket)}/${keyPath}`
      : `https://${bucket}.s3.${region}.amazonaws.com/${keyPath}`,
  )
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const payload = sha256('')
  const headers = { host: url.host, 'x-amz-content-sha256': payload, 'x-amz-date': amzDate }
  if (creds.token) headers['x-amz-security-token'] = creds.token
  const names = Object.keys(headers).sort()
  const canonical = [
    'GET',
    url.pathname,
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    payload,
  ].join('\n')
  const scope = `${day}/${region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  const signingKey = ['s3', 'aws4_request'].reduce(hmac, hmac(hmac(`AWS4${creds.secret}`, day), region))
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.id}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
  // Never follow a redirect: it would carry the session token to wherever S3, or anything posing as it, points.
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(20000) }).catch((e) =>
    fail(`cannot reach S3: ${e.message}`),
  )
  if (res.status >= 300 && res.status < 400)
    fail(`s3://${bucket}/${key}: S3 answered a redirect (HTTP ${res.status}); not followed (check the bucket's region)`)
  // Exit 3: the caller decides whether a missing object is an error (an app's .env) or not yet there (the database's CA).
  if (res.status === 404) {
    process.stderr.write(`fetch-secret: s3://${bucket}/${key} does not exist\n`)
    process.exit(3)
  }
  if (res.status === 403) fail(`access denied to s3://${bucket}/${key}: check the instance role and the KMS key policy`)
  if (!res.ok) fail(`s3://${bucket}/${key}: HTTP ${res.status}`)
  process.stdout.write(Buffer.from(await res.arrayBuffer()))
}

await main()
