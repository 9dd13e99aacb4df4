// The four DORA keys from the audit log: deployment frequency, lead time, change failure rate, time to restore — pure.
import type { AuditRecord } from './state.ts'

export type DeliveryMetrics = {
  scope: string // an app, or 'all'
  deployments: number // deploy attempts in the window
  perDay: number // successful deploys per day
  leadTimeHours?: number // median, commit to serving, over successful deploys that know their commit time
  changeFailureRate?: number // (failed deploys + rollbacks of deploys that went live) / deploy attempts
  restoreHours?: number // median, from a bad change to the next good release of that app
  incidents: number
}

const hours = (ms: number) => ms / 3_600_000
const median = (xs: number[]) => {
  if (!xs.length) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const time = (iso: string) => Date.parse(iso)

/**
 * Incidents of one app (its records, oldest first): a deploy that did not succeed (bad from when it ended), or a
 * rollback of a deploy that had succeeded (bad from when that deploy ended). Each is restored by the app's next
 * successful record: a later deploy, or the rollback itself.
 */
function incidents(records: AuditRecord[]): { from: number; to?: number; at: number }[] {
  const out: { from: number; to?: number; at: number }[] = []
  records.forEach((r, i) => {
    let from: number | undefined
    if (r.action === 'deploy' && r.result !== 'Succeeded') from = time(r.endedAt)
    if (r.action === 'rollback') {
      // A rollback of a change that had gone live: the deploy just before it succeeded (after a failed one there is
      // nothing new to undo, and that failure is already the incident).
      const undone = records
        .slice(0, i)
        .reverse()
        .find((p) => p.action === 'deploy')
      if (undone?.result === 'Succeeded') from = time(undone.endedAt)
    }
    if (from === undefined) return
    const good = records.slice(r.action === 'rollback' ? i : i + 1).find((n) => n.result === 'Succeeded')
    out.push({ from, to: good && time(good.endedAt), at: time(r.endedAt) })
  })
  return out
}

function measure(scope: string, all: AuditRecord[], since: number, until: number): DeliveryMetrics {
  const inWindow = all.filter((r) => time(r.endedAt) >= since && time(r.endedAt) <= until)
  const deploys = inWindow.filter((r) => r.action === 'deploy')
  const good = deploys.filter((r) => r.result === 'Succeeded')
  const leads = good.filter((r) => r.committedAt).map((r) => hours(time(r.endedAt) - time(r.committedAt!)))
  // Incidents are found per app over the whole log; one counts when it overlaps the window.
  const apps = [...new Set(all.map((r) => r.app))]
  const every = apps.flatMap((app) => incidents(all.filter((r) => r.app === app)))
  const found = every.filter((x) => x.from <= until && (x.to ?? until) >= since)
  // Failed changes among this window's deploys: each incident recorded in the window (a failed deploy, or the rollback
  // of one that went live) stands for one deploy, so the rate never passes 100 %.
  const failures = every.filter((x) => x.at >= since && x.at <= until).length
  const restored = found.filter((x) => x.to !== undefined).map((x) => hours(x.to! - x.from))
  return {
    scope,
    deployments: deploys.length,
    perDay: good.length / Math.max((until - since) / 86_400_000, 1 / 24),
    leadTimeHours: median(leads),
    changeFailureRate: deploys.length ? failures / deploys.length : undefined,
    restoreHours: median(restored),
    incidents: found.length,
  }
}

/** Per app (sorted) and for all apps together, over [now - days, now]. Records must be oldest first (readAudit's order). */
export function deliveryMetrics(records: AuditRecord[], now: Date, days: number): DeliveryMetrics[] {
  const until = now.getTime()
  const since = until - days * 86_400_000
  const apps = [...new Set(records.map((r) => r.app))].sort()
  return [
    ...apps.map((app) =>
      measure(
        app,
        records.filter((r) => r.app === app),
        since,
        until,
      ),
    ),
    measure('all', records, since, until),
  ]
}

const fmtHours = (h?: number) =>
  h === undefined
    ? '—'
    : h < 1
      ? `${Math.round(h * 60)} min`
      : h < 48
        ? `${h.toFixed(1)} h`
        : `${(h / 24).toFixed(1)} d`
const fmtRate = (r?: number) => (r === undefined ? '—' : `${Math.round(r * 100)} %`)
const row = (m: DeliveryMetrics) => [
  m.scope,
  String(m.deployments),
  m.perDay.toFixed(2),
  fmtHours(m.leadTimeHours),
  fmtRate(m.changeFailureRate),
  fmtHours(m.restoreHours),
  String(m.incidents),
]
const HEAD = [
  'app',
  'deploys',
  'good/day',
  'lead time (median)',
  'change failure rate',
  'time to restore (median)',
  'incidents',
]

export function formatMetrics(
  env: string,
  days: number,
  metrics: DeliveryMetrics[],
  format: 'text' | 'markdown',
): string {
  const title = `delivery of ${env} over the last ${days} days (DORA keys, from the audit log)`
  const rows = [HEAD, ...metrics.map(row)]
  if (format === 'markdown')
    return `### ${title}\n\n${rows.map((r, i) => `| ${r.join(' | ')} |${i === 0 ? `\n|${r.map(() => ' --- ').join('|')}|` : ''}`).join('\n')}\n`
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return `${title}\n${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`
}
