// mongod.conf with TLS (required, or preferred while an environment moves over) and the listener on loopback and the
// host's private addresses only (pure; the file is YAML).
import { parseDocument } from 'yaml'

export type MongodTls = {
  mode: 'requireTLS' | 'preferTLS'
  bindIps: string[]
  certificateKeyFile: string
  caFile: string
}

/** `conf` with net.bindIp and net.tls set; everything else (port, storage, security, comments) kept as written. */
export function withTls(conf: string, tls: MongodTls): string {
  const doc = parseDocument(conf)
  if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`)
  // No 0.0.0.0: only the addresses the certificate names, so nothing listens where no client could verify it.
  // A new node, so the package's comment ("Enter 0.0.0.0,:: to bind to all ...") goes with the old value.
  doc.setIn(['net', 'bindIp'], doc.createNode(tls.bindIps.join(',')))
  // The pre-4.2 spelling would conflict with net.tls; mongod refuses a file with both.
  if (doc.hasIn(['net', 'ssl'])) doc.deleteIn(['net', 'ssl'])
  doc.setIn(['net', 'tls', 'mode'], tls.mode)
  doc.setIn(['net', 'tls', 'certificateKeyFile'], tls.certificateKeyFile)
  doc.setIn(['net', 'tls', 'CAFile'], tls.caFile)
  // Clients prove who they are with SCRAM over the channel, not with certificates of their own.
  doc.setIn(['net', 'tls', 'allowConnectionsWithoutCertificates'], true)
  return doc.toString()
}
