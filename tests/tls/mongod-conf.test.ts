// mongod.conf with TLS: required, bound to loopback and the private address, everything else kept (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { withTls } from '../../scripts/lib/tls/mongod-conf.ts'
import { PACKAGED_MONGOD_CONF } from '../../scripts/lib/deploy-local/packaged-mongod-conf.ts'

test('mongod.conf: TLS required, bound to loopback and the private address, the rest kept', () => {
  const conf = withTls(PACKAGED_MONGOD_CONF, {
    mode: 'requireTLS',
    bindIps: ['127.0.0.1', '10.0.2.15'],
    certificateKeyFile: '/t/server.pem',
    caFile: '/t/ca.pem',
  })
  assert.ok(
    conf.includes(
      'net:\n  port: 27517\n  bindIp: 127.0.0.1,10.0.2.15\n  tls:\n    mode: requireTLS\n    certificateKeyFile: /t/server.pem\n    CAFile: /t/ca.pem\n    allowConnectionsWithoutCertificates: true\n',
    ),
    conf,
  )
  assert.not.ok(conf.includes('0.0.0.0'))
  assert.ok(
    conf.includes('security:\n  authorization: enabled\n') && conf.includes('storage:\n  dbPath: /var/lib/mongo\n'),
  )
  assert.is(
    withTls(conf, {
      mode: 'requireTLS',
      bindIps: ['127.0.0.1', '10.0.2.15'],
      certificateKeyFile: '/t/server.pem',
      caFile: '/t/ca.pem',
    }),
    conf,
    'a second run changes nothing',
  )
  const legacy = withTls('net:\n  port: 1\n  ssl:\n    mode: disabled\n', {
    mode: 'requireTLS',
    bindIps: ['127.0.0.1'],
    certificateKeyFile: '/s',
    caFile: '/c',
  })
  assert.not.ok(legacy.includes('ssl:'), 'the old spelling goes; mongod refuses both')
  const prefer = withTls(PACKAGED_MONGOD_CONF, {
    mode: 'preferTLS',
    bindIps: ['127.0.0.1'],
    certificateKeyFile: '/t/server.pem',
    caFile: '/t/ca.pem',
  })
  assert.ok(
    prefer.includes('  tls:\n    mode: preferTLS\n'),
    'network.mongoTls: prefer, for the apply that moves an environment over',
  )
  assert.throws(
    () =>
      withTls('net: [unclosed', { mode: 'requireTLS', bindIps: ['127.0.0.1'], certificateKeyFile: '/s', caFile: '/c' }),
    /^not valid YAML: /,
  )
})

test.run()
