// Test helper: the shipped sample with text edits applied in memory, loaded as validate would (no I/O but reading the sample).
import { readFileSync, readdirSync } from 'node:fs'
import { loadConfig } from '../../scripts/lib/config/load.ts'
import { formatProblem } from '../../scripts/lib/config/problems.ts'
import * as assert from 'uvu/assert'

const root = new URL('../../', import.meta.url)
const read = (dir: string) =>
  readdirSync(new URL(dir, root))
    .sort()
    .map((name) => ({ file: `${dir}${name}`, text: readFileSync(new URL(`${dir}${name}`, root), 'utf8') }))
export const sample = () => ({ envs: read('environments/'), apps: read('apps/') })

export type Edit = { file: string; from: string | RegExp; to: string }

/** Applies each edit once (it must match) and returns the formatted problems. */
export function problemsWith(...edits: Edit[]): string[] {
  const { envs, apps } = sample()
  for (const e of edits) {
    const f = [...envs, ...apps].find((x) => x.file === e.file)
    if (!f) throw new Error(`no sample file ${e.file}`)
    const next = f.text.replace(e.from, e.to)
    if (next === f.text) throw new Error(`edit did not match in ${e.file}: ${e.from}`)
    f.text = next
  }
  const enc = (xs: { file: string; text: string }[]) =>
    xs.map((x) => ({ file: x.file, bytes: new TextEncoder().encode(x.text) }))
  // The "rules over the whole environment were not run" notice follows every schema problem; the rule tests look
  // past it (validate-cli.test.ts shows it).
  return loadConfig(enc(envs), enc(apps))
    .problems.filter((p) => p.rule !== 'rules-skipped')
    .map(formatProblem)
}

export const P = 'environments/production.yaml'
export const S = 'environments/staging.yaml'
export const PATIENT = 'apps/patient-api.yaml'
export const PORTAL = 'apps/admin-portal.yaml'

/** The problems found are exactly these, in this order. */
export const expectOnly = (found: string[], ...expected: string[]) => assert.equal(found, expected)
