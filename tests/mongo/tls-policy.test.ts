// The database connection's TLS rules, from the URI, the environment and the host's CA alone (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tlsPolicy } from '../../scripts/lib/mongo/tls-policy.ts'

const CA = '/etc/drsignet/mongo-tls/ca.pem'

test('a URI to another host must turn TLS on; none may turn verification off', () => {
  assert.equal(tlsPolicy('mongodb://backup:pw@10.0.2.15:27517/?authSource=admin', CA), {
    ok: false,
    reason:
      'MONGODB_URI reaches 10.0.2.15:27517 without TLS: add tls=true (and tlsCAFile=, or set MONGODB_TLS_CA_FILE)',
  })
  assert.equal(tlsPolicy('mongodb://db.internal:1,127.0.0.1:2/', undefined), {
    ok: false,
    reason: 'MONGODB_URI reaches db.internal:1 without TLS: add tls=true (and tlsCAFile=, or set MONGODB_TLS_CA_FILE)',
  })
  for (const flag of ['tlsInsecure', 'tlsAllowInvalidCertificates', 'tlsAllowInvalidHostnames']) {
    assert.equal(tlsPolicy(`mongodb://db:1/?tls=true&${flag}=true`, CA), {
      ok: false,
      reason: `MONGODB_URI sets ${flag}=true: the server's certificate would not be checked; remove it`,
    })
  }
  assert.equal(tlsPolicy('mongodb+srv://cluster.example.com/?tls=false', CA), {
    ok: false,
    reason:
      'MONGODB_URI reaches cluster.example.com without TLS: add tls=true (and tlsCAFile=, or set MONGODB_TLS_CA_FILE)',
  })
  assert.match(
    (tlsPolicy('postgres://x', CA) as { reason: string }).reason,
    /^MONGODB_URI is not a MongoDB connection string \(/,
  )
})

test("the environment's CA is used when the URI names none, and loopback gets TLS once the host has the CA", () => {
  assert.equal(tlsPolicy('mongodb://db:1/?tls=true', CA), { ok: true, options: { tlsCAFile: CA } })
  assert.equal(tlsPolicy('mongodb://db:1/?ssl=true&tlsCAFile=/other.pem', CA), { ok: true, options: {} })
  assert.equal(tlsPolicy('mongodb+srv://cluster.example.com/', CA), { ok: true, options: { tlsCAFile: CA } })
  assert.equal(tlsPolicy('mongodb://127.0.0.1:27517/', CA), { ok: true, options: { tls: true, tlsCAFile: CA } })
  assert.equal(tlsPolicy('mongodb://localhost:27517/', undefined), { ok: true, options: {} })
})

test.run()
