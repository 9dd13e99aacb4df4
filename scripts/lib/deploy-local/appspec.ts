// Reads a revision's appspec.yml into the parts the local agent needs (pure).
import { parse } from 'yaml'

export type HookScript = { location: string; timeout: number; runas?: string }
export type Permission = { object: string; pattern?: string; except?: string[]; owner?: string; group?: string; mode?: number | string; type?: ('file' | 'directory')[] }
export type Appspec = {
  files: { source: string; destination: string }[]
  fileExistsBehavior: 'DISALLOW' | 'OVERWRITE' | 'RETAIN'
  permissions: Permission[]
  hooks: Record<string, HookScript[]>
}

/** The agent's order for an in-place deployment behind a load balancer; * marks steps the agent runs itself. */
export const lifecycle = [
  'BeforeBlockTraffic', '*BlockTraffic', 'AfterBlockTraffic', 'ApplicationStop', '*DownloadBundle', 'BeforeInstall',
  '*Install', 'AfterInstall', 'ApplicationStart', 'ValidateService', 'BeforeAllowTraffic', '*AllowTraffic', 'AfterAllowTraffic',
] as const

/** Events whose scripts come from the last successfully installed revision, as the agent does. */
export const fromPreviousRevision = new Set(['BeforeBlockTraffic', 'AfterBlockTraffic', 'ApplicationStop'])

export function parseAppspec(text: string): Appspec {
  const doc = parse(text) ?? {}
  if (String(doc.version) !== '0' && doc.version !== 0) throw new Error('appspec.yml: version must be 0.0')
  if (doc.os !== 'linux') throw new Error('appspec.yml: os must be linux for deploy-local')
  const hooks: Record<string, HookScript[]> = {}
  for (const [event, list] of Object.entries(doc.hooks ?? {})) {
    hooks[event] = (list as HookScript[]).map((h) => ({ location: h.location, timeout: Math.min(h.timeout ?? 3600, 3600), runas: h.runas }))
  }
  return { files: doc.files ?? [], fileExistsBehavior: doc.file_exists_behavior ?? 'DISALLOW', permissions: doc.permissions ?? [], hooks }
}

/** appspec permission patterns: "**" matches everything below the object, other globs match one level. */
export function matchesPattern(relative: string, pattern = '**'): boolean {
  if (pattern === '**') return true
  if (relative.includes('/')) return false
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`)
  return re.test(relative)
}

/** 644, "644" or "0644" as a file mode number. */
export const parseMode = (mode: number | string) => parseInt(String(mode), 8)
