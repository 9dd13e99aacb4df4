// Rules on the backup policy: a real schedule that meets the RPO, and an alarm that notices when it does not (pure).
import { Cron } from 'croner'
import { backupTimeoutMinutes, type Problem } from '../model.ts'
import { envProblem, type Rule } from './context.ts'

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const gaps = new Map<string, { longest: number; shortest: number }>()

/** Longest and shortest gaps, in hours, between consecutive runs over a year (leap days, month ends, DST). Memoized. */
function scheduleGaps(cron: string, tz: string): { longest: number; shortest: number } {
  const key = `${cron}\u0000${tz}`
  if (!gaps.has(key)) gaps.set(key, scanGaps(cron, tz))
  return gaps.get(key)!
}

/** Longest gap, in hours, between consecutive runs: what the RPO must cover. */
export const longestGapHours = (cron: string, tz: string) => scheduleGaps(cron, tz).longest
/** Shortest gap, in hours: a run still going then makes systemd skip the next one. */
export const shortestGapHours = (cron: string, tz: string) => scheduleGaps(cron, tz).shortest

function scanGaps(cron: string, tz: string): { longest: number; shortest: number } {
  // croner works in the zone through Intl: every command that reads the model pays for this year of runs, and
  // cron-parser (through luxon) took 0.1-0.15 s more of each backup's and restore's start (a restore's cpu profile).
  // Without a function the Cron only computes; it starts no timer.
  const schedule = new Cron(cron, { timezone: tz })
  const end = Date.parse('2027-01-01T00:00:00Z')
  const first = schedule.nextRun(new Date('2026-01-01T00:00:00Z'))
  if (!first) throw new Error('it never runs')
  let prev = first.getTime()
  let longest = 0
  let shortest = Infinity
  // A year of runs, and at least one gap: a leap-day schedule first runs in 2028 and then waits four years.
  for (let n = 0; n < 20_000 && (prev < end || longest === 0); n++) {
    const run = schedule.nextRun(new Date(prev))
    if (!run) break
    const next = run.getTime()
    longest = Math.max(longest, next - prev)
    shortest = Math.min(shortest, next - prev)
    prev = next
  }
  return { longest: longest / 3_600_000, shortest: shortest / 3_600_000 }
}

export const backupSchedule: Rule = (ctx) => {
  const b = ctx.model.env.backup
  if (!isTimeZone(b.timezone))
    return [
      envProblem(
        ctx,
        ['backup', 'timezone'],
        `unknown time zone '${b.timezone}'; use an IANA name like Asia/Kolkata`,
        'backup-timezone',
      ),
    ]
  let gap: number
  try {
    gap = longestGapHours(b.schedule, b.timezone)
  } catch (e) {
    return [
      envProblem(
        ctx,
        ['backup', 'schedule'],
        `backup schedule '${b.schedule}' is not a valid cron expression: ${(e as Error).message.replace(/^CronPattern: /, '')}`,
        'backup-cron',
      ),
    ]
  }
  const problems: Problem[] = []
  if (gap > b.rpoHours)
    problems.push(
      envProblem(
        ctx,
        ['backup', 'schedule'],
        `backup schedule '${b.schedule}' leaves up to ${Math.round(gap)} h between backups, more than the RPO of ${b.rpoHours} h; run it more often`,
        'backup-rpo',
      ),
    )
  const timeout = backupTimeoutMinutes(b)
  // A run must end before the next one is due (systemd skips a start while the unit is active), at the closest two.
  const room = Math.round(Math.min(shortestGapHours(b.schedule, b.timezone), b.rpoHours) * 60)
  if (timeout > room)
    problems.push(
      envProblem(
        ctx,
        ['backup', 'expectedMinutes'],
        `a backup expected to take ${b.expectedMinutes} min may run for ${timeout} min before its unit stops it, more than the ${room} min that the schedule and the RPO of ${b.rpoHours} h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance`,
        'backup-duration',
      ),
    )
  if (b.retentionDays * 24 < b.rpoHours)
    problems.push(
      envProblem(
        ctx,
        ['backup', 'retentionDays'],
        `retention of ${b.retentionDays} days is shorter than the RPO of ${b.rpoHours} h; no backup would be kept long enough`,
        'backup-retention',
      ),
    )
  return problems
}

export const backupAlarm: Rule = (ctx) => {
  const { backup, alarms } = ctx.model.env
  const limit = (backup.rpoHours + backup.rtoHours) * 3600
  const age = alarms.map((a, i) => [a, i] as const).filter(([a]) => a.metric === 'backup-age')
  if (!age.length)
    return [
      envProblem(
        ctx,
        ['alarms'],
        `no alarm watches metric backup-age; add one so a stale backup pages someone before the RPO is lost`,
        'backup-alarm',
        'key',
      ),
    ]
  return age.flatMap(([a, i]) => {
    if (a.threshold > limit)
      return [
        envProblem(
          ctx,
          ['alarms', i, 'threshold'],
          `alarm '${a.name}' fires only after ${a.threshold} s; a backup-age alarm must fire within RPO + RTO (${limit} s)`,
          'backup-alarm',
        ),
      ]
    // The age is watched as consecutive periods without a successful backup; CloudWatch evaluates at most 100.
    if (Math.ceil(a.threshold / a.period) > 100)
      return [
        envProblem(
          ctx,
          ['alarms', i, 'period'],
          `alarm '${a.name}' would need ${Math.ceil(a.threshold / a.period)} periods of ${a.period} s to cover ${a.threshold} s; CloudWatch evaluates at most 100, so use a period of at least ${Math.ceil(a.threshold / 100)} s`,
          'backup-alarm',
        ),
      ]
    return []
  })
}
