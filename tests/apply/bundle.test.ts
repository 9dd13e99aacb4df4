// Tests of the revision bundle: deterministic tar.gz named by its hash, with the expected layout, and file times
// that GNU tar (as the agent extracts) restores from content (temp files; spawns tar).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appHookEntries, buildBundle } from '../../scripts/lib/bundle/build.ts'
import { unpackEntries } from '../../scripts/lib/bundle/tar.ts'
import { buildRelease, desiredReleases, folderArtifacts } from '../../scripts/lib/apply/bundle.ts'
import { desiredApps } from '../../scripts/lib/apply/desired.ts'
import { renderAppFiles, renderEnvironment } from '../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { fixtureApp, fixtureModel, productionModel } from '../fixtures/model.ts'

const rendered = () => renderAppFiles(fixtureApp(), fixtureModel(), loadNginxTemplates())

function artifact() {
  const dir = mkdtempSync(join(tmpdir(), 'artifact-'))
  mkdirSync(join(dir, 'dist'))
  writeFileSync(join(dir, 'dist/server.js'), 'console.log("hi")\n')
  writeFileSync(join(dir, 'package.json'), '{"name":"patient-api"}\n')
  return dir
}

test('two builds of the same inputs are byte-identical and named by their hash', async () => {
  const a = artifact()
  const out1 = mkdtempSync(join(tmpdir(), 'b1-'))
  const out2 = mkdtempSync(join(tmpdir(), 'b2-'))
  const b1 = await buildBundle(fixtureApp(), rendered(), { artifactDir: a, outDir: out1 })
  // Touching file times and modes that do not matter must not change the bytes.
  chmodSync(join(a, 'package.json'), 0o600)
  const b2 = await buildBundle(fixtureApp(), rendered(), { artifactDir: a, outDir: out2 })
  assert.is(b1.sha256, b2.sha256)
  assert.ok(readFileSync(b1.file).equals(readFileSync(b2.file)))
  assert.match(b1.file, new RegExp(`patient-api-1\\.14\\.2-${b1.sha256.slice(0, 12)}\\.tar\\.gz$`))
  for (const d of [a, out1, out2]) rmSync(d, { recursive: true, force: true })
})

test('the bundle holds appspec.yml at the root, the app, hooks, nginx and deploy files', async () => {
  const a = artifact()
  const out = mkdtempSync(join(tmpdir(), 'b-'))
  const b = await buildBundle(fixtureApp(), rendered(), { artifactDir: a, outDir: out })
  const entries = await unpackEntries(readFileSync(b.file))
  const paths = entries.map((e) => e.path)
  assert.equal(paths, [...paths].sort())
  for (const p of [
    'appspec.yml',
    'app/dist/server.js',
    'app/package.json',
    'deploy/ecosystem.config.cjs',
    'deploy/environment.json',
    'deploy/hook.env',
    'deploy/logrotate.conf',
    'hooks/application-stop.sh',
    'hooks/lib/common.sh',
    'nginx/patient-api.conf',
    'nginx/drsignet/gzip.conf',
  ])
    assert.ok(paths.includes(p), `missing ${p}`)
  assert.is(entries.find((e) => e.path === 'hooks/before-install.sh')!.mode, 0o755)
  assert.is(entries.find((e) => e.path === 'app/package.json')!.mode, 0o644)
  for (const d of [a, out]) rmSync(d, { recursive: true, force: true })
})

test('file times come from content: stable for unchanged files, new for changed ones, never the clock', async () => {
  // Extracted as the agent does (tar -zxpsf, as root, keeping times and owners).
  const extract = async (server: string) => {
    const a = artifact()
    writeFileSync(join(a, 'dist/server.js'), server)
    const out = mkdtempSync(join(tmpdir(), 'b-'))
    const b = await buildBundle(fixtureApp(), rendered(), { artifactDir: a, outDir: out })
    const dir = mkdtempSync(join(tmpdir(), 'x-'))
    const r = spawnSync('tar', ['-zxpsf', b.file], { cwd: dir, encoding: 'utf8' })
    assert.is(r.status, 0, r.stderr)
    assert.is(r.stderr, '', 'no warning (a time in the future would give one)')
    const times = (p: string) => statSync(join(dir, p)).mtimeMs
    const result = {
      server: times('app/dist/server.js'),
      pkg: times('app/package.json'),
      hook: times('hooks/after-install.sh'),
      owner: statSync(join(dir, 'hooks/after-install.sh')).uid,
    }
    for (const d of [a, out, dir]) rmSync(d, { recursive: true, force: true })
    return result
  }
  const v1 = await extract('console.log("v1")\n')
  const again = await extract('console.log("v1")\n')
  const v2 = await extract('console.log("v2")\n')
  assert.equal(again, v1, 'the same bytes give the same times')
  assert.is.not(v2.server, v1.server, 'a changed file gets a new time, so nginx gives it a new ETag and Last-Modified')
  assert.is(v2.pkg, v1.pkg, 'an unchanged file keeps its time (and its ETag)')
  assert.ok(v1.server > Date.UTC(2000, 0, 1) && v1.server < Date.UTC(2019, 0, 1), new Date(v1.server).toISOString())
  assert.is(v1.owner, 0, "files are root's in the archive")
})

test('render once: an app bundle carries exactly the files render wrote for it, byte for byte, beside its artifact and hooks', async () => {
  const model = readModel('.', 'staging')
  const a = artifact()
  const dir = mkdtempSync(join(tmpdir(), 'artifacts-'))
  for (const app of model.apps) {
    mkdirSync(join(dir, app.name), { recursive: true })
    spawnSync('cp', ['-r', a, join(dir, app.name, app.version)])
  }
  const build = renderEnvironment(model, { nginx: loadNginxTemplates() })
  let compared = 0
  for (const d of desiredApps(model, appHookEntries(), loadNginxTemplates())) {
    const entries = await unpackEntries((await buildRelease(d, folderArtifacts(dir))).gz)
    const own = entries.filter((e) => !e.path.startsWith('app/') && !e.path.startsWith('hooks/'))
    const prefix = `apps/${d.name}/`
    const written = build.filter((f) => f.path.startsWith(prefix))
    assert.equal(
      own.map((e) => e.path),
      written.map((f) => f.path.slice(prefix.length)),
      d.name,
    )
    for (const f of written)
      assert.ok(own.find((e) => e.path === f.path.slice(prefix.length))!.data.equals(Buffer.from(f.contents)), f.path)
    compared += written.length
  }
  assert.ok(compared >= 10 * model.apps.length, `${compared} files compared`)
  for (const d of [a, dir]) rmSync(d, { recursive: true, force: true })
})

test("the production fixture's releases render, its spa with the static vhost the sample's portal has", () => {
  const releases = desiredReleases(productionModel())
  assert.equal(
    releases.map((r) => r.name),
    ['backup', 'admin-portal', 'doctor-api', 'patient-api'],
  )
  const vhost = releases[1]!.files.find((f) => f.path === 'apps/admin-portal/nginx/admin-portal.conf')!.contents
  assert.match(vhost, /location \/static\/ \{/)
})

test.run()
