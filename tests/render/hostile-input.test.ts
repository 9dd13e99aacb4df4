// Hostile values in any field that reaches a vhost, a path or a hook are refused by validation, before render.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Model } from '../../scripts/lib/config/model.ts'
import { readModel } from '../../scripts/lib/config/read.ts'
import { renderVhost } from '../../scripts/lib/render/nginx.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import { P, PATIENT, PORTAL, problemsWith } from '../config/variant.ts'

const HOSTILE = [';', '{', '}', '\\n', '$', '"', "'", '..', '`']
// [file, YAML text to replace, a value template with X where the hostile part goes]
const FIELDS: [string, string, (x: string) => string][] = [
  [P, 'hosts: [patient-api.drsignet.com]', (x) => `hosts: ["patient-api${x}.drsignet.com"]`],
  [PATIENT, 'paths: [/]', (x) => `paths: ["/api${x}/"]`],
  [PATIENT, '  path: /healthz', (x) => `  path: "/healthz${x}"`],
  [PATIENT, '  script: dist/server.js', (x) => `  script: "dist/server${x}.js"`],
  [PATIENT, 'nodeArgs: [--enable-source-maps]', (x) => `nodeArgs: ["--enable-source-maps${x}"]`],
  [PATIENT, 'user: patient', (x) => `user: "patient${x}"`],
  [PATIENT, 'clientMaxBodySize: 10m', (x) => `clientMaxBodySize: "10m${x}"`],
  [PATIENT, 'readTimeout: 60s', (x) => `readTimeout: "60s${x}"`],
  [PATIENT, 'rate: 50r/s', (x) => `rate: "50r/s${x}"`],
  [PATIENT, 'maxMemoryRestart: 512M', (x) => `maxMemoryRestart: "512M${x}"`],
  [PORTAL, 'staticRoot: build', (x) => `staticRoot: "build${x}"`],
  [PORTAL, 'assetsPath: /static/', (x) => `assetsPath: "/static${x}/"`],
  [P, '    version: 1.14.2', (x) => `    version: "1.14.2-rc${x}"`],
  [P, 'prefix: secrets/production', (x) => `prefix: "secrets/production${x}"`],
  [P, 'bucket: drsignet-production-secrets', (x) => `bucket: "drsignet${x}secrets"`],
  [P, 'vpcCidr: 10.20.0.0/16', (x) => `vpcCidr: "10.20.0.0/16${x}"`],
  [P, 'keyAlias: alias/drsignet-production', (x) => `keyAlias: "alias/drsignet${x}"`],
  [P, 'timezone: Asia/Kolkata\n  retentionDays', (x) => `timezone: "Asia/Kolkata${x}"\n  retentionDays`],
]

test('every hostile character in every field is refused, each at its own line', () => {
  const accepted: string[] = []
  for (const [file, from, make] of FIELDS)
    for (const x of HOSTILE) {
      const found = problemsWith({ file, from, to: make(x) })
      if (!found.some((p) => p.startsWith(`${file}:`))) accepted.push(`${file}: ${make(x)}`)
    }
  assert.equal(accepted, [])
})

test('the renderer itself refuses a hostile value that skipped validation (defence in depth)', () => {
  const model = structuredClone(readModel('.', 'production')) as Model
  const app = model.apps.find((a) => a.name === 'patient-api')!
  app.hosts = ['evil.com; return 200 "owned"']
  assert.throws(() => renderVhost(app, model, loadNginxTemplates()), /refusing to render patient-api\.hosts\[0\]/)
})

test.run()
