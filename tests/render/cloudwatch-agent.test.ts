// The CloudWatch agent follows exactly the files pm2 writes, publishes what the alarms watch, and what an instance
// composes from the bundles' fragments is what render shows (spawns hooks/lib/agent-config.mjs).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AGENT_AGGREGATION,
  AGENT_NAMESPACE,
  agentFilesOf,
  cloudWatchAgentConfig,
  renderCloudWatchAgent,
} from '../../scripts/lib/render/cloudwatch-agent.ts'
import { pm2LogFiles } from '../../scripts/lib/render/pm2.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'

const model = readModel('.', 'production')
const api = model.env.instanceGroups.find((g) => g.name === 'api')!

test("every pm2 log file of the group is shipped, with the app's retention", () => {
  const files = cloudWatchAgentConfig(model, api).logs.logs_collected.files.collect_list
  for (const app of model.apps.filter((a) => a.instanceGroup === 'api')) {
    for (const path of Object.values(pm2LogFiles(app))) {
      const entry = files.find((f) => f.file_path === path)
      assert.ok(entry, `${path} is collected`)
      assert.is(entry!.log_group_name, `/drsignet/production/app/${app.name}`)
      assert.is(entry!.retention_in_days, app.logs.retentionDays)
    }
  }
  assert.not.ok(
    files.some((f) => f.file_path.includes('admin-portal')),
    'the portal group ships its own logs',
  )
})

test('memory and disk are published where the alarms look for them', () => {
  const metrics = cloudWatchAgentConfig(model, api).metrics
  assert.is(metrics.namespace, AGENT_NAMESPACE)
  assert.equal(metrics.aggregation_dimensions, [[AGENT_AGGREGATION]])
  const alarms = stackInstances(model).filter((s) => s.template === 'alarm.yaml')
  for (const name of ['api-memory-high', 'database-disk-high']) {
    const p = alarms.find((s) => s.stack.endsWith(`alarm-${name}`))!.parameters
    assert.is(p.Namespace, AGENT_NAMESPACE, name)
    assert.is(p.DimensionName, AGENT_AGGREGATION, name)
    assert.ok(['mem_used_percent', 'disk_used_percent'].includes(p.MetricName!), name)
  }
})

/** Runs hooks/lib/agent-config.mjs the way AfterInstall does, on a folder of fragments. */
function compose(base: string, fragments: Record<string, string>): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'agent-'))
  mkdirSync(join(dir, 'fragments'))
  writeFileSync(join(dir, 'base.json'), base)
  for (const [name, text] of Object.entries(fragments)) writeFileSync(join(dir, 'fragments', `${name}.json`), text)
  const r = spawnSync(
    process.execPath,
    ['hooks/lib/agent-config.mjs', join(dir, 'base.json'), join(dir, 'fragments')],
    { encoding: 'utf8' },
  )
  rmSync(dir, { recursive: true })
  assert.is(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}

const filesOf = (owner: string, group: string) =>
  Object.fromEntries(
    agentFilesOf(model, group, owner).map((f) => [f.path.split('/').pop()!.replace('.json', ''), f.contents]),
  )

test('the instance composes from the bundles exactly the configuration render shows for the group', () => {
  for (const group of model.env.instanceGroups) {
    const owners = [
      ...model.apps.filter((a) => a.instanceGroup === group.name).map((a) => a.name),
      ...(group.name === model.env.backup.instanceGroup ? ['backup'] : []),
    ]
    assert.ok(owners.length > 0, group.name)
    for (const o of owners)
      assert.is(filesOf(o, group.name).base, filesOf(owners[0]!, group.name).base, `${o} carries the group's one base`)
    const fragments = Object.fromEntries(owners.map((o) => [o, filesOf(o, group.name)[o]!]))
    assert.equal(
      compose(filesOf(owners[0]!, group.name).base!, fragments),
      JSON.parse(renderCloudWatchAgent(model, group).contents),
      group.name,
    )
  }
})

test("rolling one app back to an older fragment keeps the other app's logs shipped", () => {
  const older = JSON.parse(filesOf('patient-api', 'api')['patient-api']!)
  older.collect_list = older.collect_list.filter((f: { file_path: string }) => f.file_path.endsWith('out.log')) // say, an older release shipped less
  const composed = compose(filesOf('patient-api', 'api').base!, {
    'patient-api': JSON.stringify(older),
    'doctor-api': filesOf('doctor-api', 'api')['doctor-api']!,
  }) as any
  const paths = composed.logs.logs_collected.files.collect_list.map((f: { file_path: string }) => f.file_path)
  assert.equal(paths, [
    '/var/log/drsignet/doctor-api/error.log',
    '/var/log/drsignet/doctor-api/out.log',
    '/var/log/drsignet/patient-api/out.log',
    '/var/log/nginx/access.log',
    '/var/log/nginx/error.log',
  ])
})

test.run()
