// The rendered files an app's revision bundle carries besides its vhost, in bundle paths (pure). One list for
// render and for the bundle, so what a reviewer sees in build/ is what reaches the instances.
import type { App, Model } from '../config/model.ts'
import { renderAppspec } from './appspec.ts'
import { agentFilesOf } from './cloudwatch-agent.ts'
import { renderHookSettings } from './hook-settings.ts'
import { renderEcosystem, renderLogrotate } from './pm2.ts'
import type { RenderedFile } from './types.ts'

/** deploy/environment.json: which deployment group a revision is for and, behind a load balancer, the port the
 *  target group sends to (deploy-local names its group and points its load balancer from it). */
export function deploymentMetadata(meta: {
  app: string
  environment: string
  instanceGroup: string
  region: string
  version?: string
  proxyPort?: number
}): RenderedFile {
  return { path: 'deploy/environment.json', contents: `${JSON.stringify(meta, Object.keys(meta).sort(), 2)}\n` }
}

export const environmentMetadata = (app: App, model: Model): RenderedFile =>
  deploymentMetadata({
    app: app.name,
    environment: model.env.name,
    instanceGroup: app.instanceGroup,
    region: model.env.region,
    version: app.version,
    proxyPort: app.proxyPort,
  })

export const renderAppDeployFiles = (app: App, model: Model): RenderedFile[] => [
  renderAppspec(app, model),
  renderHookSettings(app, model),
  renderEcosystem(app, model),
  renderLogrotate(app),
  environmentMetadata(app, model),
  ...agentFilesOf(model, app.instanceGroup, app.name),
]
