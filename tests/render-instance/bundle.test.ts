// Tests of the revision bundle: deterministic tar.gz named by its hash, with the expected layout (temp files).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBundle, extractBundle } from '../../scripts/lib/bundle/build.ts'
import { unpackEntries } from '../../scripts/lib/bundle/tar.ts'
import { fixtureApp, fixtureModel } from './model-fixture.ts'

const vhost = { path: 'patient-api.conf', contents: 'server { listen 8081; location / { proxy_pass http://127.0.0.1:3001; } }\n' }

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
  const b1 = await buildBundle(fixtureApp(), fixtureModel(), { artifactDir: a, outDir: out1, vhost })
  // Touching file times and modes that do not matter must not change the bytes.
  chmodSync(join(a, 'package.json'), 0o600)
  const b2 = await buildBundle(fixtureApp(), fixtureModel(), { artifactDir: a, outDir: out2, vhost })
  assert.is(b1.sha256, b2.sha256)
  assert.ok(readFileSync(b1.file).equals(readFileSync(b2.file)))
  assert.match(b1.file, new RegExp(`patient-api-1\\.14\\.2-${b1.sha256.slice(0, 12)}\\.tar\\.gz$`))
  for (const d of [a, out1, out2]) rmSync(d, { recursive: true, force: true })
})

test('the bundle holds appspec.yml at the root, the app, hooks, nginx and deploy files', async () => {
  const a = artifact()
  const out = mkdtempSync(join(tmpdir(), 'b-'))
  const b = await buildBundle(fixtureApp(), fixtureModel(), { artifactDir: a, outDir: out, vhost, snippets: [{ path: 'drsignet/proxy.conf', contents: 'proxy_http_version 1.1;\n' }] })
  const entries = await unpackEntries(readFileSync(b.file))
  const paths = entries.map((e) => e.path)
  assert.equal(paths, [...paths].sort())
  for (const p of ['appspec.yml', 'app/dist/server.js', 'app/package.json', 'deploy/ecosystem.config.cjs', 'deploy/environment.json', 'deploy/hook.env', 'deploy/logrotate.conf', 'hooks/application-stop.sh', 'hooks/lib/common.sh', 'nginx/patient-api.conf', 'nginx/drsignet/proxy.conf'])
    assert.ok(paths.includes(p), `missing ${p}`)
  assert.is(entries.find((e) => e.path === 'hooks/before-install.sh')!.mode, 0o755)
  assert.is(entries.find((e) => e.path === 'app/package.json')!.mode, 0o644)
  const dir = mkdtempSync(join(tmpdir(), 'x-'))
  await extractBundle(b.file, dir)
  assert.is(readFileSync(join(dir, 'nginx/patient-api.conf'), 'utf8'), vhost.contents)
  for (const d of [a, out, dir]) rmSync(d, { recursive: true, force: true })
})

test.run()
