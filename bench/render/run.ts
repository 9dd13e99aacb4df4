// Benchmark: validate + render of a generated 200-app, 5-environment configuration vs a 20-app one.
// Prints wall time per run (median of 5, in-process, after a warm-up) and the ratio. Usage: npm run bench:render
import { readFileSync } from 'node:fs'
import { loadConfig, type InputFile } from '../../scripts/lib/config/load.ts'
import { renderEnvironment } from '../../scripts/lib/render/environment.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const sampleApp = readFileSync('apps/patient-api.yaml', 'utf8')
const sampleEnv = readFileSync('environments/production.yaml', 'utf8')

/**
 * `apps` apps in every one of 5 environments with distinct networks, buckets, branches, certificates and hosts; five
 * apps to an instance group (what one Auto Scaling group's target group slots take), the groups copies of `api`.
 */
function generate(apps: number, envs = 5): { envFiles: InputFile[]; appFiles: InputFile[] } {
  const names = Array.from({ length: apps }, (_, i) => `app-${String(i).padStart(3, '0')}`)
  const appFiles = names.map((name, i) => ({
    file: `apps/${name}.yaml`,
    bytes: enc(
      sampleApp
        .replace('name: patient-api', `name: ${name}`)
        .replace('port: 3001', `port: ${3001 + i}`)
        .replace('proxyPort: 8081', `proxyPort: ${8001 + i + 1000}`),
    ),
  }))
  const group = (i: number) => (i < 5 ? 'api' : `api-${String(Math.floor(i / 5)).padStart(2, '0')}`)
  const overrides = names
    .map(
      (n, i) => `  ${n}:\n    version: 1.0.${i}\n    instanceGroup: ${group(i)}\n    hosts: [${n}.ENV.drsignet.com]\n`,
    )
    .join('')
  const apiGroup = sampleEnv.match(/\n  api:\n(    .*\n)+/)![0]
  // Every app has its healthy-hosts alarm (validation asks for one); the sample's own go to app-000 and app-001.
  const capacity = names
    .slice(2)
    .map(
      (n) =>
        `  - { name: ${n}-capacity, metric: healthy-hosts, app: ${n}, statistic: Maximum, threshold: 2, comparison: LessThanThreshold, period: 300, evaluationPeriods: 3, notify: [operations] }\n`,
    )
    .join('')
  const extraGroups = [...new Set(names.map((_, i) => group(i)))]
    .filter((g) => g !== 'api')
    .map((g) => apiGroup.replace('\n  api:\n', `\n  ${g}:\n`))
    .join('')
  const envFiles = Array.from({ length: envs }, (_, e) => {
    const env = `env-${e}`
    const text = sampleEnv
      .replace('name: production', `name: ${env}`)
      .replace('branch: production', `branch: ${env}`)
      .replace(/10\.20\./g, `10.${40 + e}.`)
      .replace(
        '    patient-api: drsignet\n    doctor-api: drsignet\n',
        '    app-000: drsignet\n    app-001: drsignet\n',
      )
      .replace(/certificate\/[0-9a-f-]+/, `certificate/00000000-0000-4000-8000-${String(e).padStart(12, '0')}`)
      .replace('\ninstanceGroups:\n', `\ninstanceGroups:\n${extraGroups.slice(1)}`)
      .replace('\nalarms:\n', `\nalarms:\n${capacity}`)
      .replace(/drsignet-production/g, `drsignet-${env}`)
      .replace(/secrets\/production/g, `secrets/${env}`)
      .replace(/\napps:\n[\s\S]*?\nsecrets:/, `\napps:\n${overrides.replace(/ENV/g, env)}\nsecrets:`)
      .replace(/    app: (patient|doctor)-api/g, '    app: app-000')
      .replace(/    app: admin-portal/g, '    app: app-001')
    return { file: `environments/${env}.yaml`, bytes: enc(text) }
  })
  return { envFiles, appFiles }
}

// Loaded once, outside the timing, as render-all.ts does once per process; the stacks stay out, as before.
const inputs = { nginx: loadNginxTemplates() }

function run(input: ReturnType<typeof generate>): { ms: number; files: number } {
  const started = performance.now()
  const { models, problems } = loadConfig(input.envFiles, input.appFiles)
  if (problems.length)
    throw new Error(
      `generated config is invalid: ${problems
        .slice(0, 3)
        .map((p) => `${p.file}:${p.line}: ${p.message}`)
        .join('; ')}`,
    )
  const files = models.reduce((n, m) => n + renderEnvironment(m, inputs).length, 0)
  return { ms: performance.now() - started, files }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
function measure(label: string, apps: number) {
  const input = generate(apps)
  run(input) // warm-up: compiles the schemas and templates once, as a long-lived process would
  const runs = Array.from({ length: 5 }, () => run(input))
  const ms = median(runs.map((r) => r.ms))
  console.log(
    `${label.padEnd(22)} ${String(apps).padStart(4)} apps x 5 envs  ${String(runs[0]!.files).padStart(5)} files  ${ms.toFixed(0).padStart(6)} ms`,
  )
  return ms
}

console.log('validate + render, median of 5 runs after a warm-up (in-process)')
const small = measure('baseline (20 apps)', 20)
const large = measure('large (200 apps)', 200)
console.log(
  `ratio large/small: ${(large / small).toFixed(2)}x for 10x the apps (target <= 10x); large under 1 s: ${large < 1000 ? 'yes' : 'NO'}`,
)
