// The database's TLS material, made by openssl (the same binary on Amazon Linux and in the tests): an environment CA
// and a server certificate per database host, named by the addresses clients dial (I/O: runs openssl in a temp dir).
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { networkInterfaces, hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from '../shell.ts'

export type KeyAndCert = { key: string; cert: string }
export type HostNames = { dns: string[]; ips: string[] }

// EC P-256: what MongoDB, the Node driver, the database tools and FerretDB all accept, and small to carry.
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
const openssl = $({ quiet: true })

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mongo-tls-'))
  try {
    return await work(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A CA that signs database server certificates and nothing else (pathlen 0), valid ten years. */
export const createCa = (commonName: string): Promise<KeyAndCert> =>
  inTemp(async (dir) => {
    await openssl`openssl req -x509 -new ${EC} -keyout ${join(dir, 'ca.key')} -out ${join(dir, 'ca.pem')} -days 3650 -subj ${`/CN=${commonName}`} -addext ${'basicConstraints=critical,CA:TRUE,pathlen:0'} -addext ${'keyUsage=critical,keyCertSign,cRLSign'}`
    return { key: readFileSync(join(dir, 'ca.key'), 'utf8'), cert: readFileSync(join(dir, 'ca.pem'), 'utf8') }
  })

/** A server certificate for `names`, signed by `ca`; 397 days, the longest that clients' policies commonly accept. */
export const issueServerCert = (ca: KeyAndCert, names: HostNames, days = 397): Promise<KeyAndCert> =>
  inTemp(async (dir) => {
    const f = (name: string) => join(dir, name)
    writeFileSync(f('ca.key'), ca.key, { mode: 0o600 })
    writeFileSync(f('ca.pem'), ca.cert)
    const san = [...names.dns.map((d) => `DNS:${d}`), ...names.ips.map((ip) => `IP:${ip}`)].join(',')
    writeFileSync(
      f('ext.cnf'),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
    )
    const cn = names.dns[0] ?? names.ips[0] ?? 'mongod'
    await openssl`openssl req -new ${EC} -keyout ${f('server.key')} -out ${f('server.csr')} -subj ${`/CN=${cn}`}`
    const serial = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')}`
    await openssl`openssl x509 -req -in ${f('server.csr')} -CA ${f('ca.pem')} -CAkey ${f('ca.key')} -set_serial ${serial} -days ${days} -sha256 -extfile ${f('ext.cnf')} -out ${f('server.pem')}`
    return { key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') }
  })

/** Whether `cert` was signed by `caCert`, names every one of `names`, and stays valid for `minDays` more. */
export function certFits(cert: string, caCert: string, names: HostNames, now: Date, minDays = 30): boolean {
  const c = new X509Certificate(cert)
  const ca = new X509Certificate(caCert)
  if (!c.checkIssued(ca) || !c.verify(ca.publicKey)) return false
  if (new Date(c.validTo).getTime() - now.getTime() < minDays * 86_400_000) return false
  return names.dns.every((d) => c.checkHost(d) !== undefined) && names.ips.every((ip) => c.checkIP(ip) !== undefined)
}

/** The names clients may dial on this host: its non-internal IPv4 addresses and host name, and loopback for the backup tool. */
export function hostNames(): HostNames {
  const ips = Object.values(networkInterfaces()).flatMap((list) =>
    (list ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address),
  )
  return { dns: [...new Set([hostname(), 'localhost'])], ips: [...new Set(['127.0.0.1', ...ips])] }
}
