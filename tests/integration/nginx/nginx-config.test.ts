// The rendered nginx tree of each sample environment passes `nginx -t` under a private prefix.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../../scripts/lib/config/read.ts'
import { layoutPrefix, nginxFilesOf, nginxTest } from '../../harness/nginx.ts'

for (const env of ['production', 'staging']) {
  test(`nginx -t accepts every rendered vhost of ${env}`, () => {
    const files = nginxFilesOf(readModel('.', env))
    assert.equal(files.map((f) => f.path).sort(), [
      'conf.d/drsignet-admin-portal.conf',
      'conf.d/drsignet-doctor-api.conf',
      'conf.d/drsignet-patient-api.conf',
      'drsignet/gzip.conf',
      'drsignet/proxy.conf',
      'drsignet/security-headers-api.conf',
      'drsignet/security-headers-portal.conf',
    ])
    const r = nginxTest(layoutPrefix(files))
    assert.ok(r.ok, r.output)
    assert.match(r.output, 'test is successful')
  })
}

test('nginx -t catches a broken vhost (the check can fail)', () => {
  const files = nginxFilesOf(readModel('.', 'production'))
  files[0] = { ...files[0]!, contents: files[0]!.contents.replace('server_tokens off;', 'server_tokens off') }
  assert.not.ok(nginxTest(layoutPrefix(files)).ok)
})

test.run()
