// The database instance stand-in: mongod's unit as systemd reads it and as the launch template's drop-in makes it,
// the FerretDB it runs where withVolume mounts it, and data volumes as host folders (temp folders; spawns
// systemd-analyze; no instance is booted: installDatabase is run by tests/integration/deploy and recovery).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { requireCachedTool } from '../../scripts/lib/deploy-local/cached-tools.ts'
import { DATA_PATH, mongodUnit, newVolume, withVolume } from '../../scripts/lib/deploy-local/database-instance.ts'
import type { Instance } from '../../scripts/lib/deploy-local/instance.ts'
import { backupAgentPaths } from '../../scripts/lib/render/backup-paths.ts'

const root = new URL('../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'database-instance-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

/** The unit's settings, `Section.Key` -> values in order. */
function settings(unit: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  let section = ''
  for (const line of unit.split('\n')) {
    const head = line.match(/^\[(\w+)\]$/)
    if (head) section = head[1]!
    else if (line.includes('='))
      (out[`${section}.${line.slice(0, line.indexOf('='))}`] ??= []).push(line.slice(line.indexOf('=') + 1))
  }
  return out
}

test('systemd reads the unit without a complaint', () => {
  const file = join(work, 'mongod.service')
  writeFileSync(file, mongodUnit())
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' })
  // Only what it says of this unit: systemd versions differ in the warnings they give about the host's other units.
  const aboutIt = r.stderr.split('\n').filter((line) => line.includes('mongod.service'))
  assert.equal({ status: r.status, aboutIt }, { status: 0, aboutIt: [] }, r.stderr)
})

test("it starts only on the mounted data volume, as the launch template's drop-in for mongod.service says", () => {
  const template = readFileSync(join(root, 'cloudformation/instance-group.yaml'), 'utf8')
  const dropIn = template.match(
    /printf '%s\\n' '\[Unit\]' ((?:'[^']*' ?)+)> \/etc\/systemd\/system\/mongod\.service\.d\//,
  )
  assert.ok(dropIn, 'the drop-in in cloudformation/instance-group.yaml')
  const fromTemplate = settings(`[Unit]\n${[...dropIn![1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]).join('\n')}`)
  const s = settings(mongodUnit())
  assert.equal(fromTemplate, { 'Unit.RequiresMountsFor': [DATA_PATH], 'Unit.ConditionPathIsMountPoint': [DATA_PATH] })
  assert.equal(
    {
      'Unit.RequiresMountsFor': s['Unit.RequiresMountsFor'],
      'Unit.ConditionPathIsMountPoint': s['Unit.ConditionPathIsMountPoint'],
    },
    fromTemplate,
  )
})

test("it runs this repository's mongod stand-in on /etc/mongod.conf, with the admin credentials database-up writes", () => {
  const s = settings(mongodUnit())
  assert.equal(s['Service.ExecStart'], [
    `/usr/bin/env node /opt/codedeploy-agent/stand-ins/mongod.cjs ${backupAgentPaths.mongodConf}`,
  ])
  assert.equal(s['Service.EnvironmentFile'], [`-${backupAgentPaths.adminEnvFile}`])
  assert.equal(s['Install.WantedBy'], ['multi-user.target'])
  // Where instance-boot.sh mounts the stand-ins and node_modules (which holds yaml, the stand-in's one dependency).
  const boot = readFileSync(join(root, 'scripts/lib/deploy-local/instance-boot.sh'), 'utf8')
  assert.ok(boot.includes('mount --bind "$staging/stand_ins" /opt/codedeploy-agent/stand-ins\n'))
  assert.ok(boot.includes('mount --bind "$staging/node_modules" /usr/local/lib/deploy-local/node_modules\n'))
  assert.ok(existsSync(join(root, 'scripts/lib/deploy-local/stand-ins/mongod.cjs')))
  assert.equal(s['Service.Environment'], [
    'FERRETDB_BIN=/usr/local/lib/ferretdb/ferretdb NODE_PATH=/usr/local/lib/deploy-local/node_modules',
  ])
})

test('a volume is a folder of its own under DIR/volumes; making it again keeps what it holds', () => {
  const path = newVolume(work, 'data-1')
  assert.is(path, join(work, 'volumes/data-1'))
  writeFileSync(join(path, 'WiredTiger'), 'kept')
  assert.is(newVolume(work, 'data-1'), path)
  assert.is(readFileSync(join(path, 'WiredTiger'), 'utf8'), 'kept')
})

test("withVolume mounts the volume read-write at mongod's dbPath and FerretDB read-only where the unit runs it", () => {
  const i = { name: 'i1', dir: join(work, 'instances/i1') } as Instance
  const volume = newVolume(work, 'data-2')
  withVolume(volume)(i)
  const ferretdb = requireCachedTool('ferretdb')
  assert.is(
    readFileSync(join(i.dir, 'disk/volumes'), 'utf8'),
    `${volume} /var/lib/mongo rw\n${dirname(ferretdb)} /usr/local/lib/ferretdb ro\n`,
  )
  const bin = settings(mongodUnit())['Service.Environment']![0]!.match(/FERRETDB_BIN=(\S+)/)![1]!
  assert.is(join('/usr/local/lib/ferretdb', ferretdb.slice(dirname(ferretdb).length)), bin)
})

test.run()
