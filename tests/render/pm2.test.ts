// Unit tests of the pm2 ecosystem and logrotate renderers (loads the rendered .cjs from a temp file).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pm2LogFiles, renderEcosystem, renderLogrotate } from '../../scripts/lib/render/pm2.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

function load(contents: string) {
  const dir = mkdtempSync(join(tmpdir(), 'eco-'))
  const file = join(dir, 'ecosystem.config.cjs')
  writeFileSync(file, contents)
  try {
    return createRequire(import.meta.url)(file).apps[0]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('the ecosystem carries the app settings and absolute instance paths', () => {
  const app = load(renderEcosystem(fixtureApp(), fixtureModel()).contents)
  assert.is(app.name, 'patient-api')
  assert.is(app.cwd, '/opt/drsignet/patient-api/current/app')
  assert.is(app.exec_mode, 'cluster')
  assert.is(app.instances, 2)
  assert.is(app.max_memory_restart, '512M')
  assert.is(app.kill_timeout, 5000)
  assert.is(app.wait_ready, true)
  assert.is(app.listen_timeout, 10000)
  assert.is(app.out_file, '/var/log/drsignet/patient-api/out.log')
  assert.is(app.error_file, '/var/log/drsignet/patient-api/error.log')
  assert.is(app.log_date_format, 'YYYY-MM-DDTHH:mm:ss.SSSZ')
  assert.equal(app.node_args, ['--env-file=/etc/drsignet/patient-api/.env', '--enable-source-maps'])
  assert.is(app.env.PORT, '3001')
})

test('one instance runs in fork mode; the render is deterministic', () => {
  const one = fixtureApp({ pm2: { ...fixtureApp().pm2, instances: 1 } })
  assert.is(load(renderEcosystem(one, fixtureModel()).contents).exec_mode, 'fork')
  assert.is(renderEcosystem(one, fixtureModel()).contents, renderEcosystem(one, fixtureModel()).contents)
})

test('logrotate pauses the writers around copytruncate and follows the pm2 log files', () => {
  const { path, contents } = renderLogrotate(fixtureApp())
  assert.is(path, 'deploy/logrotate.conf')
  assert.match(contents, /copytruncate/)
  assert.not.match(contents, /reloadLogs/)
  assert.match(
    contents,
    /prerotate\n        bash \/opt\/drsignet\/patient-api\/current\/hooks\/lib\/log-freeze.sh freeze /,
  )
  assert.match(
    contents,
    /postrotate\n        bash \/opt\/drsignet\/patient-api\/current\/hooks\/lib\/log-freeze.sh thaw /,
  )
  assert.match(contents, /rotate 14\n/)
  assert.match(contents, /maxsize 50M\n/)
  const logs = pm2LogFiles(fixtureApp())
  assert.ok(contents.includes(`${logs.error} ${logs.out} {`))
})

test.run()
