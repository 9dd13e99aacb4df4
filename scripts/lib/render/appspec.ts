// Renders a CodeDeploy EC2/on-premises appspec.yml for one app: files, permissions and lifecycle hooks (pure).
import { Document } from 'yaml'
import type { App, HookEvent, Model } from '../config/model.ts'
import { hookScripts, instancePaths } from './hook-settings.ts'
import { sortKeys } from './sort-keys.ts'
import type { RenderedFile } from './types.ts'

/** Hook events in the order the agent runs them for an in-place deployment behind a load balancer. */
export const hookOrder: HookEvent[] = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
]

/** Root is needed to write /etc (secrets, nginx) and to chown; everything else runs as the app user. */
const needsRoot: Partial<Record<HookEvent, true>> = { BeforeInstall: true, AfterInstall: true }
const defaultTimeout = 300
const maxTimeout = 3600

function timeoutFor(app: App, event: HookEvent): number {
  // The drain runs after the block; apps state its budget under BeforeBlockTraffic, where CodeDeploy users look.
  const t =
    app.hookTimeouts[event] ??
    (event === 'AfterBlockTraffic' ? app.hookTimeouts.BeforeBlockTraffic : undefined) ??
    defaultTimeout
  if (!Number.isInteger(t) || t < 1 || t > maxTimeout)
    throw new Error(`${app.name}: hookTimeouts.${event} must be an integer in 1..${maxTimeout}, got ${t}`)
  return t
}

export function appspecFor(app: App) {
  const hooks: Record<string, { location: string; timeout: number; runas: string }[]> = {}
  for (const event of hookOrder) {
    const location = hookScripts[event as keyof typeof hookScripts]
    if (location)
      hooks[event] = [{ location, timeout: timeoutFor(app, event), runas: needsRoot[event] ? 'root' : app.user }]
  }
  return revisionAppspec(instancePaths(app).release, hooks)
}

export type Permission = {
  object: string
  pattern?: string
  except?: string[]
  owner?: string
  group?: string
  mode?: number
  type?: ('file' | 'directory')[]
}

/**
 * The appspec of a revision copied whole to `destination`, with no `permissions`: what the Install writes keeps the
 * archive's owner (root: tar restores it as root) and modes (0644, 0755 for executables), the app's own code
 * included. Nothing the agent writes into may belong to the app user, or a link it planted there would have the
 * agent (root) write or chown through it; the app only reads its code, and AfterInstall builds its dependencies.
 */
export function revisionAppspec<H>(
  destination: string,
  hooks: H,
): {
  version: number
  os: string
  files: { source: string; destination: string }[]
  file_exists_behavior: string
  permissions?: Permission[]
  hooks: H
} {
  return { version: 0.0, os: 'linux', files: [{ source: '/', destination }], file_exists_behavior: 'OVERWRITE', hooks }
}

/** An AppSpec simple glob ("*" within one name) as a regular expression. */
const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`)

/**
 * Whether a permissions entry covers `path` (a file or a directory the Install writes), by the AppSpec reference:
 * never the object itself; with pattern "**" everything below it; with any other pattern, and for `except`, the
 * names directly under it; `type` limits it to files or directories.
 */
export function covers(p: Permission, path: string, kind: 'file' | 'directory'): boolean {
  if (!(p.type ?? ['file', 'directory']).includes(kind)) return false
  const base = `${p.object.replace(/\/+$/, '')}/`
  if (!path.startsWith(base)) return false
  const rel = path.slice(base.length)
  const direct = !rel.includes('/')
  if (direct && (p.except ?? []).some((e) => glob(e).test(rel))) return false
  return (p.pattern ?? '**') === '**' || (direct && glob(p.pattern!).test(rel))
}

/** What the Install of a revision copied whole to `destination` writes: every file and every folder above one. */
export function installedPaths(destination: string, files: string[]): { path: string; kind: 'file' | 'directory' }[] {
  const dirs = new Set<string>()
  for (const f of files) {
    const parts = f.split('/')
    for (let n = 1; n < parts.length; n++) dirs.add(`${destination}/${parts.slice(0, n).join('/')}`)
  }
  return [
    ...[...dirs].sort().map((path) => ({ path, kind: 'directory' as const })),
    ...files.map((f) => ({ path: `${destination}/${f}`, kind: 'file' as const })),
  ]
}

/** Refuses permissions that set one path twice, which the CodeDeploy agent fails the Install for. */
export function checkPermissions(
  spec: { files: { destination: string }[]; permissions?: Permission[] },
  files: string[],
) {
  const perms = spec.permissions ?? []
  for (const { destination } of spec.files) {
    for (const { path, kind } of installedPaths(destination, files)) {
      const hits = perms.flatMap((p, n) => (covers(p, path, kind) ? [n + 1] : []))
      if (hits.length > 1)
        throw new Error(
          `appspec permissions ${hits.join(' and ')} both set ${path}; the CodeDeploy agent refuses a path set twice (make the entries cover disjoint paths)`,
        )
    }
  }
}

/** An appspec as YAML: every map sorted except the hooks map, whose order is the documented run order. */
export function appspecYaml(spec: object): string {
  // `version: 0.0` must stay a float literal and `mode: 644` octal-looking digits, as the AWS examples write them.
  return new Document(sortKeys(spec, ['hooks'])).toString({ lineWidth: 0 }).replace(/^version: 0$/m, 'version: 0.0')
}

export function renderAppspec(app: App, model: Model): RenderedFile {
  return {
    path: 'appspec.yml',
    contents: `# Rendered for ${app.name} in ${model.env.name} by scripts/lib/render/appspec.ts; do not edit.\n${appspecYaml(appspecFor(app))}`,
  }
}
