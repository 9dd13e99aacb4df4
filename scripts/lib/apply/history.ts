// history ENV [APP]: the audit log as a table, oldest first (pure formatting; the records come from readAudit).
import type { AuditRecord } from './state.ts'

export function formatHistory(records: AuditRecord[], app?: string): string {
  const rows = records.filter((r) => !app || r.app === app)
  if (!rows.length) return `no deployments recorded${app ? ` for ${app}` : ''}\n`
  const table = [
    ['ended', 'app', 'action', 'result', 'revision', 'deployment', 'commit', 'who'],
    ...rows.map((r) => [r.endedAt, r.app, r.action, r.result, r.revision, r.deploymentId, r.commit, r.who]),
  ]
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)))
  return (
    table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') +
    '\n'
  )
}
