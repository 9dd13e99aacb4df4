// Checks what database-up reads and writes on its host that runs without an instance: its addresses, mount points, an
// empty data folder, an existing filesystem found and kept, mongod's dbPath, files replaced atomically with their
// mode and owner (temp files; spawns ip, and blkid and mkfs.ext4 on a file). Not here: instanceIdentity (needs the EC2
// metadata service), mountUnit (enables a unit in this machine's systemd), making xfs (xfsprogs is not installed).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dbPathOf,
  filesystemOn,
  hasAddress,
  isEmptyDataDir,
  isMountPoint,
  READY_MARKER,
  writeAtomically,
} from '../../scripts/lib/database/host.ts'
import { requireTool } from '../harness/tools.ts'

const dir = mkdtempSync(join(tmpdir(), 'database-host-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('hasAddress: an address of one of this host’s interfaces, not one it does not hold', () => {
  // The interface addresses as iproute2 lists them (`ip -o addr`: the 4th field, before the prefix length).
  const own = execFileSync(requireTool('ip'), ['-o', 'addr', 'show'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/)[3].split('/')[0])
  assert.ok(own.includes('127.0.0.1'), own.join(' '))
  for (const ip of own) assert.ok(hasAddress(ip), ip)
  assert.not.ok(hasAddress('127.0.0.2'), 'in lo’s 127.0.0.0/8 but not an address of it')
  assert.not.ok(hasAddress('127.0.0'))
})

test('isMountPoint: mount points from the mount table, not folders under them', () => {
  assert.ok(isMountPoint('/'))
  assert.ok(isMountPoint('/proc'))
  assert.not.ok(isMountPoint(dir))
  assert.not.ok(isMountPoint('/proc/self'))
  assert.not.ok(isMountPoint('/proc/'), 'the table has no trailing slash')
})

test('an empty data folder: missing, empty, or only what mkfs leaves; anything mongod wrote makes it not empty', () => {
  const data = join(dir, 'data')
  assert.ok(isEmptyDataDir(data), 'missing')
  mkdirSync(join(data, 'lost+found'), { recursive: true })
  assert.ok(isEmptyDataDir(data), 'lost+found only')
  writeFileSync(join(data, READY_MARKER), '{}\n')
  assert.not.ok(isEmptyDataDir(data), 'the ready marker')
  rmSync(join(data, READY_MARKER))
  writeFileSync(join(data, 'WiredTiger'), 'WiredTiger\n')
  assert.not.ok(isEmptyDataDir(data), 'mongod’s files')
  assert.is(READY_MARKER, '.drsignet-ready')
})

test('a device that already holds a filesystem keeps it: its UUID, nothing made, nothing said', async () => {
  const device = join(dir, 'volume.img')
  writeFileSync(device, Buffer.alloc(8 * 1024 * 1024))
  execFileSync(requireTool('mkfs.ext4'), ['-q', '-F', '-L', 'kept', device])
  const blkid = (...args: string[]) =>
    execFileSync(requireTool('blkid'), ['-o', 'value', ...args, device], { encoding: 'utf8' }).trim()
  const before = readFileSync(device)
  const said: string[] = []
  const uuid = await filesystemOn(device, (l) => void said.push(l))
  assert.is(uuid, blkid('-s', 'UUID'))
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  assert.equal(said, [])
  assert.ok(readFileSync(device).equals(before), 'the device was written to')
  assert.is(blkid('-p', '-s', 'LABEL'), 'kept')
})

test('dbPath: the configuration’s, trimmed; the package default when it names none', () => {
  assert.is(dbPathOf('storage:\n  dbPath: /data/mongo \n  journal:\n    enabled: true\n'), '/data/mongo')
  for (const conf of [
    '',
    'storage:\n',
    'storage:\n  dbPath: ""\n',
    'storage:\n  dbPath: 42\n',
    'storage:\n  dbPath: "  "\n',
  ])
    assert.is(dbPathOf(conf), '/var/lib/mongo', JSON.stringify(conf))
})

test('writeAtomically: the whole file with its mode, over the old one, no temp file left', () => {
  const path = join(dir, 'admin.env')
  writeFileSync(path, 'OLD=1\n', { mode: 0o644 })
  writeAtomically(path, 'MONGODB_ADMIN_USER=admin\nMONGODB_ADMIN_PASSWORD=s3cret\n', 0o600)
  assert.is(readFileSync(path, 'utf8'), 'MONGODB_ADMIN_USER=admin\nMONGODB_ADMIN_PASSWORD=s3cret\n')
  assert.is(statSync(path).mode & 0o777, 0o600)
  writeAtomically(join(dir, 'marker'), '{}\n', 0o644)
  assert.is(statSync(join(dir, 'marker')).mode & 0o777, 0o644)
  assert.equal(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
  )
})

test('writeAtomically gives the file its owner and group before anyone can read it', () => {
  const path = join(dir, 'backup.env')
  const uid = process.getuid!()
  // root may give any group; anyone else only their own.
  const gid = uid === 0 ? 4321 : process.getgid!()
  writeAtomically(path, 'MONGODB_URI=mongodb://backup@127.0.0.1/\n', 0o640, gid, uid)
  const st = statSync(path)
  assert.equal({ uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }, { uid, gid, mode: 0o640 })
})

test('a temp file left by this very process is not written through: the call fails and the target is untouched', () => {
  const path = join(dir, 'client.env')
  writeFileSync(path, 'KEPT=1\n')
  writeFileSync(`${path}.${process.pid}.tmp`, 'stale')
  assert.throws(() => writeAtomically(path, 'NEW=1\n', 0o600), /EEXIST/)
  assert.is(readFileSync(path, 'utf8'), 'KEPT=1\n')
  assert.ok(existsSync(`${path}.${process.pid}.tmp`))
})

test.run()
