// The rule registry: every rule the rule modules declare is registered once, in the list its kind runs in, and each
// runs, in registry order, over the sample and over a copy broken for one or two of them (reads the sample and the
// rule modules' source).
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Model } from '../../../scripts/lib/config/model.ts'
import { readModel } from '../../../scripts/lib/config/read.ts'
import type { DocumentContext } from '../../../scripts/lib/config/rules/context.ts'
import { modelRules, referenceRules } from '../../../scripts/lib/config/rules/index.ts'
import { parseSource } from '../../../scripts/lib/config/source.ts'

const rulesDir = new URL('../../../scripts/lib/config/rules/', import.meta.url)

/** Every `export const NAME: Rule` and `: ReferenceRule` of the rule modules, as [kind, module:name, function]. */
async function declaredRules(): Promise<[string, string, unknown][]> {
  const found: [string, string, unknown][] = []
  for (const file of readdirSync(rulesDir).sort()) {
    if (!file.endsWith('.ts') || file === 'index.ts' || file === 'context.ts') continue
    const text = readFileSync(new URL(file, rulesDir), 'utf8')
    const mod = (await import(new URL(file, rulesDir).href)) as Record<string, unknown>
    for (const [, name, kind] of text.matchAll(/^export const (\w+): (Rule|ReferenceRule) =/gm))
      found.push([kind!, `${file.replace(/\.ts$/, '')}:${name}`, mod[name!]])
  }
  return found
}

const source = (file: string) => {
  const { source, problems } = parseSource(file, readFileSync(file))
  if (!source) throw new Error(JSON.stringify(problems))
  return source
}
const env = source('environments/production.yaml')
const apps = new Map(['admin-portal', 'doctor-api', 'patient-api'].map((a) => [a, source(`apps/${a}.yaml`)]))
const documents: DocumentContext = {
  env,
  data: env.doc.toJS() as Record<string, any>,
  apps,
  appFiles: new Set(apps.keys()),
}
const model = readModel('.', 'production')
const found = (m: Model, data = documents.data) => ({
  reference: referenceRules.flatMap((rule) => rule({ ...documents, data })).map((p) => `${p.rule}: ${p.message}`),
  model: modelRules.flatMap((rule) => rule({ ...documents, model: m })).map((p) => `${p.rule}: ${p.message}`),
})

test('every rule a rule module declares is registered once, references with references and model rules with models', async () => {
  const declared = await declaredRules()
  const nameOf = new Map(declared.map(([, name, fn]) => [fn, name]))
  const registered = (list: unknown[]) => list.map((fn) => nameOf.get(fn) ?? 'a function no rule module declares')
  // references:appsExist runs ahead of the registered reference rules (load.ts), for every environment.
  const expected = (kind: string) =>
    declared
      .filter(([k, name]) => k === kind && name !== 'references:appsExist')
      .map(([, name]) => name)
      .sort()
  assert.equal([...registered(modelRules)].sort(), expected('Rule'))
  assert.equal([...registered(referenceRules)].sort(), expected('ReferenceRule'))
  assert.is(new Set(modelRules).size, modelRules.length, 'no model rule twice')
  assert.is(new Set(referenceRules).size, referenceRules.length, 'no reference rule twice')
  assert.ok(declared.length >= 27, `only ${declared.length} rules were found: has the declaration form changed?`)
})

test('over the sample, every registered rule runs and finds nothing', () => {
  assert.equal(found(model), { reference: [], model: [] })
})

test('a broken copy: the rules it breaks report it, in registry order, and no other rule does', () => {
  const broken = structuredClone(model)
  const [, doctor, patient] = broken.apps
  doctor!.port = patient!.port
  doctor!.hosts = [...patient!.hosts]
  assert.equal(found(broken), {
    reference: [],
    model: [
      "ports: patient-api port 3001: already used by doctor-api port on instance group 'api'",
      "hosts-unique: host 'patient-api.drsignet.com' is already served by doctor-api; host names must be unique in an environment",
    ],
  })
  const data = structuredClone(documents.data)
  data.deployment.notify = ['nope']
  assert.equal(found(model, data), {
    reference: [
      "topic-exists: notification topic 'nope' is not defined in notifications; known: deployments, operations",
    ],
    model: [],
  })
})

test.run()
