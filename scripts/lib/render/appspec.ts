// Renders a CodeDeploy EC2/on-premises appspec.yml for one app: files, permissions and lifecycle hooks (pure).
import { Document } from 'yaml'
import type { App, HookEvent, Model } from '../config/model.ts'
import { hookScripts, instancePaths } from './hook-settings.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'

/** Hook events in the order the agent runs them for an in-place deployment behind a load balancer. */
export const hookOrder: HookEvent[] = [
  'BeforeBlockTraffic', 'AfterBlockTraffic', 'ApplicationStop', 'BeforeInstall', 'AfterInstall',
  'ApplicationStart', 'ValidateService', 'BeforeAllowTraffic', 'AfterAllowTraffic',
]

/** Root is needed to write /etc (secrets, nginx) and to chown; everything else runs as the app user. */
const needsRoot: Partial<Record<HookEvent, true>> = { BeforeInstall: true, AfterInstall: true }
const defaultTimeout = 300
const maxTimeout = 3600

function timeoutFor(app: App, event: HookEvent): number {
  // The drain runs after the block; apps state its budget under BeforeBlockTraffic, where CodeDeploy users look.
  const t = app.hookTimeouts[event] ?? (event === 'AfterBlockTraffic' ? app.hookTimeouts.BeforeBlockTraffic : undefined) ?? defaultTimeout
  if (!Number.isInteger(t) || t < 1 || t > maxTimeout) throw new Error(`${app.name}: hookTimeouts.${event} must be an integer in 1..${maxTimeout}, got ${t}`)
  return t
}

export function appspecFor(app: App) {
  const hooks: Record<string, { location: string; timeout: number; runas: string }[]> = {}
  for (const event of hookOrder) {
    const location = hookScripts[event as keyof typeof hookScripts]
    if (location) hooks[event] = [{ location, timeout: timeoutFor(app, event), runas: needsRoot[event] ? 'root' : app.user }]
  }
  return revisionAppspec(instancePaths(app).release, app.user, 'hooks', hooks)
}

/**
 * The appspec of a revision copied whole to `destination`: files 644 and folders 755 owned by `owner`,
 * the hook scripts in `hooksDir` executable and root's, so the revision's user cannot rewrite what runs as root.
 */
export function revisionAppspec<H>(destination: string, owner: string, hooksDir: string, hooks: H) {
  return {
    version: 0.0,
    os: 'linux',
    files: [{ source: '/', destination }],
    file_exists_behavior: 'OVERWRITE',
    permissions: [
      { object: destination, pattern: '**', owner, group: owner, mode: 644, type: ['file'] },
      { object: destination, pattern: '**', owner, group: owner, mode: 755, type: ['directory'] },
      { object: `${destination}/${hooksDir}`, pattern: '*.sh', owner: 'root', group: 'root', mode: 755, type: ['file'] },
    ],
    hooks,
  }
}

/** An appspec as YAML: every map sorted except the hooks map, whose order is the documented run order. */
export function appspecYaml(spec: object): string {
  // `version: 0.0` must stay a float literal and `mode: 644` octal-looking digits, as the AWS examples write them.
  return new Document(sortKeys(spec, ['hooks'])).toString({ lineWidth: 0 }).replace(/^version: 0$/m, 'version: 0.0')
}

export function renderAppspec(app: App, model: Model): RenderedFile {
  return { path: 'appspec.yml', contents: `# Rendered for ${app.name} in ${model.env.name} by scripts/lib/render/appspec.ts; do not edit.\n${appspecYaml(appspecFor(app))}` }
}
