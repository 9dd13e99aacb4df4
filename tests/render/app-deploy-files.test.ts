// The files an app's revision carries besides its vhost: which, in what order, and deploy/environment.json, the
// metadata deploy-local and the load balancer read (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  deploymentMetadata,
  environmentMetadata,
  renderAppDeployFiles,
} from '../../scripts/lib/render/app-deploy-files.ts'
import { renderAppspec } from '../../scripts/lib/render/appspec.ts'
import { renderHookSettings } from '../../scripts/lib/render/hook-settings.ts'
import { renderEcosystem, renderLogrotate } from '../../scripts/lib/render/pm2.ts'
import { fixtureApp, fixtureModel, productionModel } from '../fixtures/model.ts'

test('the metadata is JSON with its keys sorted, the ones not given left out, and a final newline', () => {
  assert.equal(
    deploymentMetadata({
      region: 'ap-south-1',
      instanceGroup: 'database',
      environment: 'staging',
      app: 'backup',
    }),
    {
      path: 'deploy/environment.json',
      contents:
        '{\n  "app": "backup",\n  "environment": "staging",\n  "instanceGroup": "database",\n  "region": "ap-south-1"\n}\n',
    },
  )
  assert.is(
    deploymentMetadata({
      version: '2.0.0',
      proxyPort: 8085,
      app: 'a',
      environment: 'e',
      instanceGroup: 'g',
      region: 'r',
    }).contents,
    '{\n  "app": "a",\n  "environment": "e",\n  "instanceGroup": "g",\n  "proxyPort": 8085,\n  "region": "r",\n  "version": "2.0.0"\n}\n',
  )
})

test("an app's metadata: its group, version and proxy port in its environment and region", () => {
  const app = fixtureApp({ version: '3.1.0', proxyPort: 8099, instanceGroup: 'api' })
  const model = fixtureModel([app], { name: 'staging', region: 'eu-west-1' })
  assert.equal(JSON.parse(environmentMetadata(app, model).contents), {
    app: 'patient-api',
    environment: 'staging',
    instanceGroup: 'api',
    proxyPort: 8099,
    region: 'eu-west-1',
    version: '3.1.0',
  })
})

test("the files: appspec, hook settings, pm2's ecosystem and logrotate, the metadata, then the group's agent config", () => {
  const model = productionModel()
  const portal = model.apps.find((a) => a.name === 'admin-portal')!
  const files = renderAppDeployFiles(portal, model)
  assert.equal(
    files.map((f) => f.path),
    [
      'appspec.yml',
      'deploy/hook.env',
      'deploy/ecosystem.config.cjs',
      'deploy/logrotate.conf',
      'deploy/environment.json',
      'deploy/cloudwatch-agent/base.json',
      'deploy/cloudwatch-agent/admin-portal.json',
    ],
  )
  assert.equal(files.slice(0, 5), [
    renderAppspec(portal, model),
    renderHookSettings(portal, model),
    renderEcosystem(portal, model),
    renderLogrotate(portal),
    environmentMetadata(portal, model),
  ])
})

test('an app in a group the environment lacks cannot render', () => {
  const app = fixtureApp({ instanceGroup: 'gone' })
  assert.throws(
    () => renderAppDeployFiles(app, fixtureModel([app])),
    (e: Error) => e.message === 'patient-api: instance group gone does not exist',
  )
})

test.run()
