// Deployment audit records for the rollback and history tests: three deployments of api, the last one failed (pure).
import type { AuditRecord } from '../../scripts/lib/apply/state.ts'

export const rec = (
  revision: string,
  result: AuditRecord['result'],
  endedAt: string,
  action: AuditRecord['action'] = 'deploy',
): AuditRecord => ({
  environment: 'production',
  app: 'api',
  action,
  who: 'ci',
  commit: 'c',
  version: revision.split('+')[0]!,
  revision,
  bundleKey: `bundles/${revision}`,
  sha256: `${revision.replace(/\W/g, '')}00000000`,
  deploymentId: `d-${endedAt.slice(11, 13)}`,
  startedAt: endedAt,
  endedAt,
  result,
})
export const log = [
  rec('1.0+a', 'Succeeded', '2026-01-01T01:00:00Z'),
  rec('1.1+b', 'Succeeded', '2026-01-01T02:00:00Z'),
  rec('1.2+c', 'Failed', '2026-01-01T03:00:00Z'),
]
