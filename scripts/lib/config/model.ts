// The validated, normalized configuration: plain frozen data handed from `validate` to every later stage.
// Per-environment app settings are already merged over the app's defaults here (the environment wins).
// Where the schema says exactly what a field holds (an enum), the type comes from it (schema-types.ts, generated);
// tests/config/schema-model.ts has the compiler hold the rest of the two together.
import type { AppSchema, EnvironmentSchema } from './schema-types.ts'

type EnvDoc = EnvironmentSchema.Environment

export type AppKind = 'api' | 'spa'
export type HookEvent =
  | 'ApplicationStop'
  | 'BeforeInstall'
  | 'AfterInstall'
  | 'ApplicationStart'
  | 'ValidateService'
  | 'BeforeBlockTraffic'
  | 'AfterBlockTraffic'
  | 'BeforeAllowTraffic'
  | 'AfterAllowTraffic'

export type HealthCheck = {
  path: string // e.g. /healthz
  interval: number // seconds
  timeout: number // seconds
  healthyThreshold: number
  unhealthyThreshold: number
  matcher: string // ALB matcher: "200" or "200-299"
}

export type App = {
  name: string // ^[a-z][a-z0-9-]{0,30}$
  kind: AppKind
  description: string
  source: { repository: string; branch: string } // a merge to branch publishes a release (release.yaml)
  version: string // semver-ish, safe for paths and tags
  user: string // the unix user the app runs as
  port: number // where the Node process listens on 127.0.0.1
  proxyPort: number // where nginx listens for this app; the ALB target group port
  instanceGroup: string
  hosts: string[] // RFC 1123 host names (may be empty when paths route)
  paths: string[] // path prefixes, each starting and ending with "/"
  start: { script: string; nodeArgs: string[] }
  healthCheck: HealthCheck
  pm2: { instances: number; maxMemoryRestart: string; killTimeout: number; listenTimeout: number; waitReady: boolean }
  logs: AppSchema.Logs
  nginx: {
    clientMaxBodySize: string // e.g. 10m
    connectTimeout: string // e.g. 5s
    readTimeout: string
    sendTimeout: string
    websockets: boolean
    rateLimit?: { rate: string; burst: number } // rate like 50r/s
    staticRoot?: string // spa only: folder inside the release served by nginx
    assetsPath?: string // spa only: hashed assets prefix, cached for a year
  }
  hookTimeouts: AppSchema.HookTimeouts // seconds, each <= 3600; the events an app has hooks for are required
  allowFrom?: string[] // public CIDRs that alone reach the app through the ALB (environment only)
}

/** scaling: between min and max, tracking average CPU (targetCpu percent); a fixed size of count without it. */
export type InstanceGroup = {
  name: string
  count: number
  scaling?: { min: number; max: number; targetCpu: number }
  instanceType: string
  volumeSize: number
  tags: Record<string, string>
}

export type AlarmMetric =
  'cpu' | 'memory' | 'disk' | 'target-5xx' | 'unhealthy-hosts' | 'healthy-hosts' | 'response-time' | 'backup-age'
export type Alarm = {
  name: string
  metric: AlarmMetric
  app?: string // for target-5xx, unhealthy-hosts, healthy-hosts, response-time
  instanceGroup?: string // for cpu, memory, disk
  statistic: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount'
  threshold: number
  comparison:
    'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold'
  period: NonNullable<EnvDoc['alarms']>[number]['period'] // seconds, one of CloudWatch's periods
  evaluationPeriods: number
  notify: string[] // notification topic names
}

export type Backup = {
  instanceGroup: string
  schedule: string // 5-field cron
  timezone: string // IANA zone
  retentionDays: number
  rpoHours: number
  rtoHours: number
  expectedMinutes: number // a backup's usual duration; the unit's timeout is derived from it (backupTimeoutMinutes)
  bucket: string
  prefix: string // key prefix, no leading or trailing slash
  kmsKey: string // alias/... or key ARN
  compression: 'gzip' | 'none'
  databases?: string[] // include list; default all but admin/local/config
}

/** The database server's recovery (docs/disaster-recovery.md). */
export type Database = {
  address: string // fixed private IPv4 of the network interface every replacement attaches
  zone: 'a' | 'b' // the private subnet of the instance, its address and its data volume
  dataVolume: { size: number; iops?: number; throughput?: number; fromSnapshot?: string } // GiB, gp3; made from a snapshot when given
  snapshots: { everyHours: 1 | 2 | 3 | 4 | 6 | 8 | 12 | 24; keepHours: number } // DLM
  clients: Record<string, string> // app -> the database it reads and writes (a MongoDB user of its own)
}

/** The target groups one Auto Scaling group registers its instances in: instance-group.yaml's fixed slots. */
export const MAX_APPS_PER_GROUP = 5

/** Snapshots DLM keeps: one per interval over the retention period (its count-based rule). */
export const snapshotsKept = (s: Database['snapshots']) => Math.ceil(s.keepHours / s.everyHours)

export type Environment = {
  name: string
  account: string // 12 digits
  region: string
  branch: string
  repository: string
  network: {
    vpcCidr: string
    sshPort: number
    vpnClientCidr: string
    vpnPeerCidr?: string
    mongoPort: number
    mongoTls?: 'require' | 'prefer'
  } // mongoTls: require when omitted
  loadBalancer: EnvDoc['loadBalancer'] // wafRateLimit: per IP per 5 minutes, 2000 when omitted
  kms: { keyAlias: string }
  buckets: { artifacts: string; logs: string }
  instanceGroups: InstanceGroup[] // sorted by name
  secrets: { bucket: string; prefix: string; kmsKey: string } // app .env at s3://bucket/prefix/<app>/.env
  deployment: EnvDoc['deployment']
  notifications: { name: string; emails: string[] }[] // sorted by name
  backup: Backup
  database: Database
  alarms: Alarm[]
  patching: {
    frequency: 'monthly' | 'quarterly'
    weekday: 'SUN' | 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT'
    week: number // 1-4
    time: string // HH:MM
    timezone: string
    operation: 'Scan' | 'Install'
    rebootOption: 'RebootIfNeeded' | 'NoReboot'
    approveAfterDays: number
  }
  audit: { cloudTrail: boolean; config: boolean; logRetentionDays: number }
}

/**
 * The metric a good backup publishes (one datapoint of 1 per backup), shared by the backup job and the
 * backup-age alarm so the two cannot drift apart.
 */
export const BACKUP_METRIC = {
  namespace: 'DrSignet/Backup',
  name: 'BackupSucceeded',
  dimension: 'Environment',
} as const
/** The DORA keys apply publishes after each run (ops metrics' figures over 30 days), per app and for 'all'. */
export const DELIVERY_METRIC = { namespace: 'DrSignet/Delivery', days: 30 } as const

/** Periods without a successful backup that make its age exceed the alarm's threshold (seconds). */
export const backupAgePeriods = (alarm: Pick<Alarm, 'threshold' | 'period'>) =>
  Math.max(1, Math.ceil(alarm.threshold / alarm.period))

/**
 * A backup-age alarm's YAML gives its age limit (`threshold`, seconds) and `period`; the rest follows from them.
 * Each good backup publishes one BackupSucceeded datapoint: "no success in any of the last ceil(threshold / period)
 * periods" is "the last good backup is older than the threshold". The model holds these values, so what render
 * writes is what the model says.
 */
export const backupAgeShape = (alarm: Pick<Alarm, 'threshold' | 'period'>) =>
  ({ statistic: 'Sum', comparison: 'LessThanThreshold', evaluationPeriods: backupAgePeriods(alarm) }) as const

/** One environment with its apps merged and sorted by name. */
export type Model = { env: Environment; apps: App[] }

/** A configuration problem, always pinned to a place a person can open. */
export type Problem = { file: string; line: number; col: number; message: string; rule: string }

/**
 * Minutes after which the backup's systemd unit stops a run: its usual duration with a margin (twice it, or it plus
 * 30 min when that is longer), so a stuck run ends hours before the next and pages through backup-age, not at the RPO.
 */
export const backupTimeoutMinutes = (b: Pick<Backup, 'expectedMinutes'>) =>
  Math.max(2 * b.expectedMinutes, b.expectedMinutes + 30)
