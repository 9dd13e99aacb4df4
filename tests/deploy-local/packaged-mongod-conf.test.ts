// MongoDB's packaged mongod.conf as the database instance's boot script leaves it: its settings, and the boot script's
// own edits (read from cloudformation/instance-group.yaml, run by bash) change none of them (temp file; spawns bash).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parse } from 'yaml'
import { PACKAGED_MONGOD_CONF } from '../../scripts/lib/deploy-local/packaged-mongod-conf.ts'

const root = new URL('../../', import.meta.url).pathname

test("the settings: the package's log and data paths, the custom port on loopback, authorization on", () => {
  assert.equal(parse(PACKAGED_MONGOD_CONF), {
    systemLog: { destination: 'file', logAppend: true, path: '/var/log/mongodb/mongod.log' },
    storage: { dbPath: '/var/lib/mongo' },
    processManagement: { timeZoneInfo: '/usr/share/zoneinfo' },
    net: { port: 27517, bindIp: '127.0.0.1' },
    security: { authorization: 'enabled' },
  })
})

test('the port is written once, as `port: 27517`, the text the database instance stand-in replaces', () => {
  assert.equal(PACKAGED_MONGOD_CONF.match(/port: \d+/g), ['port: 27517'])
})

test("the launch template's boot script, run again on it with port 27517, leaves every setting as it is", () => {
  const template = readFileSync(join(root, 'cloudformation/instance-group.yaml'), 'utf8')
  const edits = template
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^sed -i -E .* \/etc\/mongod\.conf$/.test(l) || /^grep -q '\^security:' \/etc\/mongod\.conf/.test(l))
  assert.is(edits.length, 2, 'the sed of port and bindIp, and the security block')
  const dir = mkdtempSync(join(tmpdir(), 'mongod-conf-'))
  try {
    const conf = join(dir, 'mongod.conf')
    writeFileSync(conf, PACKAGED_MONGOD_CONF)
    const script = edits.join('\n').replaceAll('${MongoPort}', '27517').replaceAll('/etc/mongod.conf', conf)
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' })
    assert.is(r.status, 0, r.stderr)
    assert.equal(parse(readFileSync(conf, 'utf8')), parse(PACKAGED_MONGOD_CONF))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
