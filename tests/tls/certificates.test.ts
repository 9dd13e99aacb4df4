// Checks the database's TLS material as openssl and node:crypto read it: the CA (subject, CA:TRUE pathlen 0, ten
// years, P-256 key that matches), server certificates it signs (SAN, serverAuth, validity, key), a real TLS handshake
// with them, certFits's verdicts and the host's names (temp files; spawns openssl and ip; TLS on loopback).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer, type Server } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { certFits, createCa, hostNames, issueServerCert, type KeyAndCert } from '../../scripts/lib/tls/certificates.ts'
import { requireTool } from '../harness/tools.ts'

// The module works in folders under tmpdir(): a private one shows it leaves none behind.
const outer = tmpdir()
const temps = join(outer, `certificates-test-${process.pid}`)
mkdirSync(temps)
process.env.TMPDIR = temps
const DAY = 86_400_000
const names = { dns: ['db.staging.internal', 'localhost'], ips: ['10.30.128.10', '127.0.0.1'] }
let ca: KeyAndCert
let server: KeyAndCert

/** `openssl x509 -noout ARGS` on a PEM certificate. */
const x509 = (pem: string, ...args: string[]) =>
  execFileSync('openssl', ['x509', '-noout', ...args], { input: pem, encoding: 'utf8' }).trim()
const days = (c: X509Certificate) => (Date.parse(c.validTo) - Date.parse(c.validFrom)) / DAY

test.before(async () => {
  ca = await createCa('drsignet-staging-mongodb-ca')
  server = await issueServerCert(ca, names)
})
test.after(() => {
  process.env.TMPDIR = outer
  rmSync(temps, { recursive: true, force: true })
})

test('the CA: its own issuer, CA:TRUE with path length 0, signs certificates only, ten years, its key', () => {
  const c = new X509Certificate(ca.cert)
  assert.equal(
    { subject: c.subject, issuer: c.issuer, ca: c.ca, days: days(c), curve: c.publicKey.asymmetricKeyDetails },
    {
      subject: 'CN=drsignet-staging-mongodb-ca',
      issuer: 'CN=drsignet-staging-mongodb-ca',
      ca: true,
      days: 3650,
      curve: { namedCurve: 'prime256v1' },
    },
  )
  assert.ok(c.verify(c.publicKey), 'not self-signed')
  assert.ok(c.checkPrivateKey(createPrivateKey(ca.key)), 'the key is not the certificate’s')
  const caExt = x509(ca.cert, '-ext', 'basicConstraints,keyUsage')
  assert.match(caExt, /Basic Constraints: critical\s+CA:TRUE, pathlen:0$/m)
  assert.match(caExt, /(?<!Extended )Key Usage: critical\s+Certificate Sign, CRL Sign$/m)
  assert.ok(Math.abs(Date.parse(c.validFrom) - Date.now()) < 5 * 60_000, `valid from ${c.validFrom}`)
  assert.match(ca.key, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/)
})

test('a server certificate: named for its first DNS name, every name in its SAN, serverAuth only, signed by the CA', () => {
  const c = new X509Certificate(server.cert)
  const authority = new X509Certificate(ca.cert)
  assert.equal(
    {
      subject: c.subject,
      issuer: c.issuer,
      ca: c.ca,
      san: c.subjectAltName,
      usage: c.keyUsage,
      days: days(c),
      curve: c.publicKey.asymmetricKeyDetails,
    },
    {
      subject: 'CN=db.staging.internal',
      issuer: 'CN=drsignet-staging-mongodb-ca',
      ca: false,
      san: 'DNS:db.staging.internal, DNS:localhost, IP Address:10.30.128.10, IP Address:127.0.0.1',
      usage: ['1.3.6.1.5.5.7.3.1'],
      days: 397,
      curve: { namedCurve: 'prime256v1' },
    },
  )
  assert.ok(c.checkIssued(authority) && c.verify(authority.publicKey), 'not signed by the CA')
  assert.ok(c.checkPrivateKey(createPrivateKey(server.key)), 'the key is not the certificate’s')
  assert.not.ok(c.checkPrivateKey(createPrivateKey(ca.key)), 'the server shares the CA’s key')
  const serverExt = x509(server.cert, '-ext', 'basicConstraints,keyUsage,extendedKeyUsage')
  assert.match(serverExt, /Basic Constraints: critical\s+CA:FALSE$/m)
  assert.match(serverExt, /(?<!Extended )Key Usage: critical\s+Digital Signature, Key Encipherment$/m)
  assert.match(serverExt, /Extended Key Usage:(?: critical)?\s+TLS Web Server Authentication$/m)
})

test('each certificate gets its own serial; the validity is the days asked for; CN falls back to the first IP', async () => {
  const other = await issueServerCert(ca, { dns: [], ips: ['10.30.128.10'] }, 30)
  const c = new X509Certificate(other.cert)
  assert.equal(
    { subject: c.subject, san: c.subjectAltName, days: days(c) },
    { subject: 'CN=10.30.128.10', san: 'IP Address:10.30.128.10', days: 30 },
  )
  assert.is.not(c.serialNumber, new X509Certificate(server.cert).serialNumber)
  assert.is.not(other.key, server.key)
  assert.equal(readdirSync(temps), [], 'a temp folder with the CA key was left behind')
})

test('a TLS client that trusts only the CA connects by name and by address, and by no name it was not issued for', async () => {
  const tls: Server = createServer({ key: server.key, cert: server.cert }, (s) => s.end('hello'))
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r))
  const { port } = tls.address() as AddressInfo
  const dial = (servername: string | undefined) =>
    new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, ca: ca.cert, servername })
      let got = ''
      s.on('data', (d) => (got += d))
      s.on('end', () => resolve(got))
      s.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message))
    })
  try {
    assert.is(await dial('localhost'), 'hello')
    assert.is(await dial('db.staging.internal'), 'hello')
    assert.is(await dial(undefined), 'hello') // by the address 127.0.0.1
    assert.is(await dial('db.production.internal'), 'ERR_TLS_CERT_ALTNAME_INVALID')
  } finally {
    await new Promise((r) => tls.close(r))
  }
})

test('certFits: yes for a fresh certificate from this CA naming every name; no otherwise', async () => {
  const now = new Date()
  assert.ok(certFits(server.cert, ca.cert, names, now))
  assert.ok(certFits(server.cert, ca.cert, { dns: ['localhost'], ips: [] }, now), 'a subset of the names fits')
  const otherCa = await createCa('drsignet-production-mongodb-ca')
  assert.not.ok(certFits(server.cert, otherCa.cert, names, now), 'another CA')
  assert.not.ok(certFits(server.cert, ca.cert, { ...names, dns: [...names.dns, 'db2.staging.internal'] }, now))
  assert.not.ok(certFits(server.cert, ca.cert, { ...names, ips: [...names.ips, '10.30.128.11'] }, now))
  // A CA of the same name made again (another key): what it signs is not this CA's.
  const twin = await createCa('drsignet-staging-mongodb-ca')
  const forged = await issueServerCert(twin, names)
  assert.not.ok(certFits(forged.cert, ca.cert, names, now), 'a signature the CA’s key did not make')
  assert.ok(certFits(forged.cert, twin.cert, names, now))
})

test('certFits: a certificate with less than minDays left does not fit, one with exactly that many does', () => {
  const validTo = Date.parse(new X509Certificate(server.cert).validTo)
  assert.ok(certFits(server.cert, ca.cert, names, new Date(validTo - 30 * DAY)))
  assert.not.ok(certFits(server.cert, ca.cert, names, new Date(validTo - 30 * DAY + 1000)))
  assert.ok(certFits(server.cert, ca.cert, names, new Date(validTo - 10 * DAY), 10))
  assert.not.ok(certFits(server.cert, ca.cert, names, new Date(validTo + DAY), 0), 'expired')
})

/** This host's own IPv4 addresses as iproute2 lists them: the 4th field of each line, before the prefix length. */
const globalIpv4 = () =>
  execFileSync(requireTool('ip'), ['-4', '-o', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.trim().split(/\s+/)[3].split('/')[0])
    .sort()

test('this host’s names: its host name and localhost; loopback first, then its own IPv4 addresses, once each', () => {
  // Other suites on this machine add and remove interfaces: read the addresses until they held still around the call.
  let [before, n, after] = [globalIpv4(), hostNames(), globalIpv4()]
  for (let tries = 1; tries < 5 && before.join() !== after.join(); tries++)
    [before, n, after] = [globalIpv4(), hostNames(), globalIpv4()]
  assert.equal(n.dns, hostname() === 'localhost' ? ['localhost'] : [hostname(), 'localhost'])
  assert.is(n.ips[0], '127.0.0.1')
  assert.is(new Set(n.ips).size, n.ips.length)
  assert.equal(n.ips.slice(1).sort(), [...new Set(after)])
})

test.run()
