// The compiled ops tool the database hosts run: the same bytes from any checkout, a compile error as one line, and
// the tool laid out as a release (the backup bundle's ops/ beside node_modules) validating and restoring into FerretDB.
import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Int32, MongoClient } from 'mongodb'
import { buildOpsDist } from '../../scripts/lib/bundle/ops-dist.ts'
import { OPS_ENTRY, OPS_NODE_ARGS } from '../../scripts/lib/render/backup-paths.ts'
import { startFerret, type Ferret } from '../harness/ferretdb.ts'
import { runMongoTool } from '../harness/mongo-tools.ts'
import { layOutOpsRelease } from '../harness/ops-release.ts'

const checkout = resolve('.')
const work = mkdtempSync(join(tmpdir(), 'ops-dist-'))
let ferret: Ferret | undefined

test.after(async () => {
  await ferret?.stop()
  rmSync(work, { recursive: true, force: true })
})

/** A copy of the tool's sources somewhere else, as a pull request's tree or another CodeBuild folder holds them. */
function copyOfSources(name: string): string {
  const dir = join(work, name)
  for (const f of ['scripts', 'package.json', 'tsconfig.json'])
    cpSync(join(checkout, f), join(dir, f), { recursive: true })
  return dir
}

test('the entry and one chunk per command, byte-identical from another checkout', () => {
  const here = buildOpsDist(checkout)
  const paths = here.map((e) => e.path)
  assert.ok(paths.includes(OPS_ENTRY), paths.join(' '))
  for (const command of ['backup', 'restore', 'verify', 'prune', 'database-up', 'mongo-tls'])
    assert.ok(
      paths.some((p) => new RegExp(`^dist/${command}-[A-Z0-9]+\\.mjs$`).test(p)),
      `${command}: no chunk of its own`,
    )
  assert.ok(
    here.every((e) => e.mode === 0o644 && !e.data.includes('from "./scripts/')),
    'plain files, no import of a source',
  )
  const elsewhere = buildOpsDist(copyOfSources('elsewhere'))
  assert.equal(
    elsewhere.map((e) => e.path),
    paths,
  )
  assert.ok(
    elsewhere.every((e, i) => e.data.equals(here[i]!.data)),
    'the bundle hash must not depend on where the tree is',
  )
  assert.not.ok(
    here.some((e) => e.data.includes(checkout)),
    'no absolute path of the build machine',
  )
})

test('a source that does not compile is one line naming file, line and column', () => {
  const dir = copyOfSources('broken')
  writeFileSync(join(dir, 'scripts/lib/names.ts'), 'export const broken = (\n')
  assert.throws(
    () => buildOpsDist(dir),
    (e: Error) =>
      e.message.startsWith(`${join(dir, 'scripts/lib/names.ts')}:2:1: `) &&
      e.message.endsWith('(compiling the ops tool for the database hosts)') &&
      !e.message.includes('\n'),
  )
})

test("only the tree's own scripts/**/*.ts are compiled; a file outside is named, never quoted", () => {
  const dir = copyOfSources('reaching')
  const names = join(dir, 'scripts/lib/names.ts')
  writeFileSync(join(dir, 'outside.ts'), 'export const outside = 1\n')
  appendFileSync(names, "export * from '../../outside.ts'\n")
  assert.throws(
    () => buildOpsDist(dir),
    (e: Error) =>
      e.message ===
      `${dir}: scripts/ops.ts imports outside.ts; the ops tool compiles only scripts/**/*.ts of its own tree`,
  )
  // A source linked to a file of the build machine: esbuild would embed a text file, and quote one it cannot parse.
  const extra = join(dir, 'scripts/lib/extra.ts')
  writeFileSync(names, readFileSync(join(checkout, 'scripts/lib/names.ts'), 'utf8') + "export * from './extra.ts'\n")
  for (const [secret, message] of [
    ['secret.txt', 'imports ../secret.txt; the ops tool compiles only scripts/**/*.ts of its own tree'],
    ['secret.ts', 'reaches ../secret.ts, outside its own scripts/ folder'],
  ]) {
    writeFileSync(join(work, secret!), 'TOKEN=s3cr3t value\n')
    rmSync(extra, { force: true })
    symlinkSync(join(work, secret!), extra)
    assert.throws(
      () => buildOpsDist(dir),
      (e: Error) => e.message === `${dir}: scripts/ops.ts ${message}`,
      secret,
    )
  }
})

const ops = (cwd: string, args: string[]) =>
  spawnSync(process.execPath, [...OPS_NODE_ARGS, OPS_ENTRY, ...args], {
    cwd,
    encoding: 'utf8',
    // No TypeScript loader is inherited: the release runs plain node.
    env: { PATH: process.env.PATH!, AWS_REGION: 'ap-south-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
    timeout: 60_000,
  })

test('the release validates its YAML and restores a mongodump archive into MongoDB with plain node', async () => {
  const dir = layOutOpsRelease(join(work, 'release'), 'staging')
  const validated = ops(dir, ['validate'])
  assert.is(validated.status, 0, validated.stderr)
  assert.match(validated.stdout, /staging/)

  ferret = await startFerret()
  const client = await MongoClient.connect(ferret.uri)
  await client
    .db('drsignet')
    .collection('events')
    .insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: new Int32(i), code: `ev-${i}` }) as never))
  const file = join(work, 'dump.archive.gz')
  const dump = await runMongoTool('mongodump', ['--uri', ferret.uri, '--db', 'drsignet', `--archive=${file}`, '--gzip'])
  assert.is(dump.code, 0, dump.stderr)
  await client.db('drsignet').collection('events').deleteMany({})

  // restore loads the driver, its raw-BSON sequence and the URI parser through the checkout's node_modules.
  const restored = ops(dir, ['restore', 'staging', '--from', file, '--to', ferret.uri])
  assert.is(restored.status, 0, restored.stderr)
  assert.match(restored.stdout, /^restore staging: proven: /m)
  assert.is(await client.db('drsignet').collection('events').countDocuments(), 50)
  await client.close()
})

test.run()
