// The CloudWatch agent follows exactly the files pm2 writes, and publishes what the alarms watch.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { AGENT_AGGREGATION, AGENT_NAMESPACE, cloudWatchAgentConfig } from '../../scripts/lib/render/cloudwatch-agent.ts'
import { pm2LogFiles } from '../../scripts/lib/render/pm2.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'

const model = readModel('.', 'production')
const api = model.env.instanceGroups.find((g) => g.name === 'api')!

test('every pm2 log file of the group is shipped, with the app\'s retention', () => {
  const files = cloudWatchAgentConfig(model, api).logs.logs_collected.files.collect_list
  for (const app of model.apps.filter((a) => a.instanceGroup === 'api')) {
    for (const path of Object.values(pm2LogFiles(app))) {
      const entry = files.find((f) => f.file_path === path)
      assert.ok(entry, `${path} is collected`)
      assert.is(entry!.log_group_name, `/drsignet/production/app/${app.name}`)
      assert.is(entry!.retention_in_days, app.logs.retentionDays)
    }
  }
  assert.not.ok(files.some((f) => f.file_path.includes('admin-portal')), 'the portal group ships its own logs')
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

test.run()
