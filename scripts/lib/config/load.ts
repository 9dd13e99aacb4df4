// Text in, Models or every problem out: parse, schema, then semantic rules, for all files at once (pure).
import { basename, extname } from 'node:path'
import type { Model, Problem } from './model.ts'
import { buildModel } from './merge.ts'
import { problemAt } from './positions.ts'
import { appsExist } from './rules/references.ts'
import { modelRules, referenceRules } from './rules/index.ts'
import { environmentsIsolated } from './rules/environments.ts'
import { literalSecrets } from './rules/secrets.ts'
import { schemaProblems } from './schema-problems.ts'
import { validators } from './schemas.ts'
import type { ValidateFunction } from 'ajv'
import { parseSource, type Source } from './source.ts'
import { compareText, uniqueBy } from '../order.ts'

export type InputFile = { file: string; bytes: Uint8Array }
export type LoadResult = { models: Model[]; problems: Problem[] }
/** A parsed file: its data as written, and the same data typed once the schema held (the validator's guard). */
type Doc<T> = { source: Source; data: Record<string, any>; document?: T; valid: boolean }

const stem = (file: string) => basename(file, extname(file))
const byPlace = (a: Problem, b: Problem) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col
// An app file shared by two environments can break a rule in both; say it once.
const unique = (ps: Problem[]) => uniqueBy(ps, (p) => `${p.file}:${p.line}:${p.col}:${p.message}`)

/** Parse, scan for secrets and check one file against its schema; problems go to `out`. */
function checkFile<T>(input: InputFile, validate: ValidateFunction<T>, out: Problem[]): Doc<T> | undefined {
  const { source, problems } = parseSource(input.file, input.bytes)
  out.push(...problems)
  if (!source) return undefined
  const secrets = literalSecrets(source)
  const data = source.doc.toJS({ maxAliasCount: 50 }) as Record<string, any>
  // A secret under an unknown key is reported once, as a secret.
  const document = validate(data) ? data : undefined
  const errors = document ? [] : (validate.errors ?? [])
  const schema = schemaProblems(source, errors).filter((p) => !secrets.some((s) => s.line === p.line))
  const naming =
    typeof data.name === 'string' && data.name !== stem(input.file)
      ? [
          problemAt(
            source,
            ['name'],
            `name '${data.name}' must match the file name '${stem(input.file)}'; rename one of them`,
            'file-name',
          ),
        ]
      : []
  out.push(...secrets, ...schema, ...naming)
  return { source, data, document, valid: secrets.length + schema.length + naming.length === 0 }
}

export function loadConfig(envFiles: InputFile[], appInputs: InputFile[]): LoadResult {
  const problems: Problem[] = []
  const { app: appSchema, environment: environmentSchema } = validators()
  const apps = appInputs.flatMap((f) => checkFile(f, appSchema, problems) ?? [])
  const appSources = new Map(apps.map((a) => [stem(a.source.file), a.source]))
  const appFiles = new Set(appInputs.map((f) => stem(f.file)))
  const validApps = new Map(apps.flatMap((a) => (a.valid && a.document ? [[stem(a.source.file), a.document]] : [])))
  const parsedEnvs = envFiles.flatMap((f) => checkFile(f, environmentSchema, problems) ?? [])
  const envs = parsedEnvs.flatMap(({ valid, document, ...d }) => (valid && document ? [{ ...d, document }] : []))

  // Environments with schema problems still get the reference checks, guarded: a rule that trips
  // over a malformed value has nothing to add to the schema's own report of it.
  for (const { source, data } of parsedEnvs.filter((d) => !d.valid)) {
    const ctx = { env: source, data, apps: appSources, appFiles }
    for (const rule of [appsExist, ...referenceRules]) {
      try {
        problems.push(...rule(ctx))
      } catch (e) {
        // A rule reading a value of the wrong shape (a TypeError) has nothing to add to the schema's report of it; any
        // other error is a bug in the rule and must surface.
        if (!(e instanceof TypeError)) throw e
      }
    }
    // The rules over the whole environment need a valid one; say so, or a clash they would find surprises later.
    problems.push({
      ...problemAt(
        source,
        [],
        `${modelRules.length} rules over the whole environment (ports, alarms, backup, deployments, …) were not run because of this file's schema problems; fix those and validate again, more may follow`,
        'rules-skipped',
      ),
      line: 1,
      col: 1,
    })
  }
  const models: Model[] = []
  for (const { source, data, document } of envs) {
    const ctx = { env: source, data, apps: appSources, appFiles }
    const refs = [...appsExist(ctx), ...referenceRules.flatMap((r) => r(ctx))]
    problems.push(...refs)
    // A broken app file is reported on its own; the rules still check the apps that loaded.
    const model = buildModel(document, validApps)
    const found = modelRules.flatMap((rule) => rule({ ...ctx, model }))
    problems.push(...found)
    if (!refs.length && !found.length && model.apps.length === Object.keys(data.apps).length) models.push(model)
  }
  // Isolation reads a few fields only, so it also checks environments that have other problems.
  problems.push(...environmentsIsolated(parsedEnvs))
  const clean = models.filter(
    (m) => !problems.some((p) => p.file === envs.find((e) => e.data.name === m.env.name)?.source.file),
  )
  return { models: clean, problems: unique(problems).sort(byPlace) }
}
