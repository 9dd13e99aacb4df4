// Renders the systemd service and timer that run `backup ENV` on the database instances (pure).
import { backupTimeoutMinutes, type Model } from '../config/model.ts'
import {
  BACKUP_ENVIRONMENT,
  OPS_ENTRY,
  OPS_TMPDIR,
  OPS_NODE_ARGS,
  backupAgentPaths,
  backupUnit,
  mongoTlsUnit,
} from './backup-paths.ts'
import type { RenderedFile } from './types.ts'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }

// systemd has no a..b/n; cron's stepped ranges become explicit lists.
const expand = (a: number, b: number, step: number) =>
  Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step)

/** One cron field in systemd calendar syntax: lists stay lists, a-b becomes a..b, * / n becomes start/n. */
function field(value: string, start: number, pad: number): string {
  const two = (n: string) => n.padStart(pad, '0')
  return value
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/') as [string, string | undefined]
      if (range === '*') return step ? `${two(String(start))}/${step}` : '*'
      const [a, b] = range.split('-')
      if (b !== undefined && step)
        return expand(Number(a), Number(b), Number(step))
          .map((n) => two(String(n)))
          .join(',')
      return b !== undefined ? `${two(a!)}..${two(b)}` : step ? `${two(a!)}/${step}` : two(a!)
    })
    .join(',')
}

function weekdays(value: string): string {
  return value
    .split(',')
    .map((part) => {
      const day = (d: string) => DAYS[(DAY_NAMES[d.toLowerCase()] ?? Number(d)) % 7]
      const [range, step] = part.split('/') as [string, string | undefined]
      const [a, b] = range === '*' ? ['0', '6'] : range.split('-')
      if (step)
        return expand(
          DAY_NAMES[a!.toLowerCase()] ?? Number(a),
          DAY_NAMES[(b ?? '6').toLowerCase()] ?? Number(b ?? 6),
          Number(step),
        )
          .map((n) => day(String(n)))
          .join(',')
      return b !== undefined ? `${day(a!)}..${day(b)}` : day(a!)
    })
    .join(',')
}

/**
 * A 5-field cron expression in a time zone as systemd OnCalendar values. Cron runs when either the
 * day of month or the day of week matches (when both are restricted); systemd needs both to match,
 * so that case becomes two OnCalendar lines.
 */
export function cronToOnCalendar(cron: string, tz: string): string[] {
  const [min, hour, dom, month, dow] = cron.trim().split(/\s+/) as [string, string, string, string, string]
  const time = `${field(hour, 0, 2)}:${field(min, 0, 2)}:00`
  const date = (d: string) => `*-${field(month, 1, 2)}-${d}`
  const at = (days: string, d: string) => `${days ? `${days} ` : ''}${date(d)} ${time} ${tz}`
  if (dom === '*' || dow === '*') return [at(dow === '*' ? '' : weekdays(dow), dom === '*' ? '*' : field(dom, 1, 2))]
  return [at('', field(dom, 1, 2)), at(weekdays(dow), '*')]
}

/**
 * A oneshot service running `ops backup ENV [extra]` as the backup user, in the sandbox the nightly run has.
 * The check service shares every line but its arguments and output, so ValidateService proves the real unit.
 */
function serviceUnit(model: Model, description: string, extra: string, output: string, timeout: string): string {
  const p = backupAgentPaths
  return `# Rendered by scripts/lib/render/backup-timer.ts; do not edit.
[Unit]
Description=${description}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User=${p.user}
Group=${p.user}
WorkingDirectory=${p.current}
# The Mongo URI lives in ${p.envFile} (mode 0600), read by the command, never on this line. The connection is TLS,
# checked against the environment's CA (ops mongo-tls puts it here).
Environment=MONGODB_TLS_CA_FILE=${p.tlsDir}/ca.pem
# glibc's allocator gives large freed blocks back to the kernel instead of keeping them in its heap: a lower peak RSS
# (see BACKUP_ENVIRONMENT in scripts/lib/render/backup-paths.ts).
${Object.entries(BACKUP_ENVIRONMENT)
  .map(([k, v]) => `Environment=${k}=${v}`)
  .join('\n')}
# The parts on their way to S3 wait on disk, not in tmpfs (see OPS_TMPDIR in scripts/lib/render/backup-paths.ts).
Environment=TMPDIR=${OPS_TMPDIR}
ExecStart=/usr/bin/node ${OPS_NODE_ARGS.join(' ')} ${OPS_ENTRY} backup ${model.env.name} --env-file ${p.envFile}${extra}
TimeoutStartSec=${timeout}
StandardOutput=${output}
StandardError=${output}
Nice=10
IOSchedulingClass=best-effort
IOSchedulingPriority=7
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=${p.home}
`
}

/** The service, its timer and the deploy-time check service, in the backup bundle's paths (systemd/...). */
export function renderBackupUnits(model: Model): RenderedFile[] {
  const { env } = model
  const b = env.backup
  const p = backupAgentPaths
  const unit = backupUnit(model)
  // A run well past its usual duration is stuck: the timeout ends it hours before the next run, and with no manifest
  // written the backup-age alarm pages, instead of the run holding on until the RPO is gone.
  const service = serviceUnit(
    model,
    `DrSignet MongoDB backup of ${env.name} to s3://${b.bucket}/${b.prefix}/${env.name}/`,
    '',
    `append:${p.log}`,
    `${backupTimeoutMinutes(b)}min`,
  )
  // Started by ValidateService, which waits for it and shows its journal: nothing written, both ends reached.
  const check = serviceUnit(
    model,
    `DrSignet backup of ${env.name}: deploy-time check (reads nothing but listings, writes nothing)`,
    ' --check',
    'journal',
    '2min',
  )
  const timer = timerUnit(
    `Nightly DrSignet MongoDB backup of ${env.name} (cron '${b.schedule}' in ${b.timezone}; RPO ${b.rpoHours} h)`,
    unit,
    [
      ...cronToOnCalendar(b.schedule, b.timezone).map((c) => `OnCalendar=${c}`),
      '# A run missed while the instance was down starts at boot.',
      'Persistent=true',
      'AccuracySec=1min',
    ],
  )
  return [
    { path: `systemd/${unit}.service`, contents: service },
    { path: `systemd/${unit}.timer`, contents: timer },
    { path: `systemd/${unit}-check.service`, contents: check },
    ...renderMongoTlsUnits(model),
  ]
}

/** A timer that starts UNIT.service on `schedule` (its [Timer] lines) once enabled. */
const timerUnit = (
  description: string,
  unit: string,
  schedule: string[],
) => `# Rendered by scripts/lib/render/backup-timer.ts; do not edit.
[Unit]
Description=${description}

[Timer]
${schedule.join('\n')}
Unit=${unit}.service

[Install]
WantedBy=timers.target
`

/** Root's daily `ops mongo-tls ENV --restart`: mongod's certificate is renewed 30 days before it expires. */
function renderMongoTlsUnits(model: Model): RenderedFile[] {
  const p = backupAgentPaths
  const unit = mongoTlsUnit(model)
  const service = `# Rendered by scripts/lib/render/backup-timer.ts; do not edit.
[Unit]
Description=DrSignet MongoDB TLS of ${model.env.name}: the environment CA's certificate for this host, renewed before it expires
# Only where MongoDB is installed.
ConditionPathExists=${p.mongodConf}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=${p.current}
ExecStart=/usr/bin/node ${OPS_NODE_ARGS.join(' ')} ${OPS_ENTRY} mongo-tls ${model.env.name} --restart
TimeoutStartSec=5min
StandardOutput=append:${p.log}
StandardError=append:${p.log}
NoNewPrivileges=yes
PrivateTmp=yes
`
  const timer = timerUnit(`Daily renewal check of the DrSignet MongoDB certificate of ${model.env.name}`, unit, [
    'OnCalendar=daily',
    'RandomizedDelaySec=1h',
    'Persistent=true',
  ])
  return [
    { path: `systemd/${unit}.service`, contents: service },
    { path: `systemd/${unit}.timer`, contents: timer },
  ]
}
