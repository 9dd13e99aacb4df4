// Names and on-instance paths of the backup tool, shared by its units, its bundle, apply and validation (pure).
import type { Model } from '../config/model.ts'

/** The deployment group, bundle folder and state entry of the backup tool; no app may take this name. */
export const BACKUP_AGENT = 'backup'

/** Where the backup tool lives on the database instance; `current` and `releases` share a parent so the link is relative. */
export const backupAgentPaths = {
  bundle: '/opt/drsignet/ops/bundle',
  releases: '/opt/drsignet/ops/releases',
  current: '/opt/drsignet/ops/current',
  envFile: '/etc/drsignet/backup.env',
  user: 'drsignet-backup',
  home: '/var/lib/drsignet-backup',
  unitDir: '/etc/systemd/system',
  // systemd appends the service's output here; the CloudWatch agent ships it to the environment's backup log group.
  log: '/var/log/drsignet/backup.log',
  // The database's TLS material (ops mongo-tls): the environment CA's certificate, and mongod's key and certificate.
  tlsDir: '/etc/drsignet/mongo-tls',
  mongodConf: '/etc/mongod.conf',
  // The database's admin credentials (ops database-up), root's alone: how it reaches mongod again on the next run.
  adminEnvFile: '/etc/drsignet/mongo-admin.env',
  // Written last by the launch template's boot script: what it installs is there.
  bootComplete: '/var/lib/drsignet/boot-complete',
}

/**
 * How node starts the ops tool wherever it moves data: the backup unit, database-up (which may restore the newest
 * backup) and bench:backup, which measures the same. The tool is the JavaScript the pipeline compiled into the bundle
 * (OPS_ENTRY, see bundle/ops-dist.ts), so no TypeScript loader starts with it. Loading the tool and validating the
 * YAML grows V8's young generation to its default 2 x 16 MiB within the first second, and V8 keeps it for the rest of
 * the run: 4 MiB semi-spaces keep a backup's and a restore's peak RSS 20-30 MB lower at no cost in time (1 and 2 MiB
 * cost more: objects then reach the old generation early and it grows).
 */
export const OPS_NODE_ARGS = ['--max-semi-space-size=4']
/**
 * The backup unit's setting for glibc's allocator. Left to itself, glibc raises its mmap threshold to the size of each
 * large block it frees (up to 32 MiB), so once the first multipart part (5 MiB) is freed, the driver's 2 MB replies
 * and the next parts come from the heap instead of their own mappings, and stay in it. Fixed at glibc's own default of
 * 128 KiB, large blocks go back to the kernel when freed: a 1 GB backup peaked at 157-164 MB instead of 170-178 (V8's
 * heap stayed at 23 MB live either way, --trace-gc) and bench:backup's backups 10-15 MB lower, in the same time. A
 * restore gains nothing from it (its peak is the same, its CPU higher), so only the backup unit has it.
 */
export const BACKUP_ENVIRONMENT = { MALLOC_MMAP_THRESHOLD_: '131072' }
/**
 * Where the tool keeps temporary files on the database host (TMPDIR): the backup's part files on their way to S3
 * (aws/spooled-upload.ts) and a restore's download. /tmp is tmpfs on Amazon Linux 2023, at most half the RAM: files
 * there would be memory again, and an archive larger than half the RAM would not fit. /var/tmp is on the root volume
 * (the database group's volumeSize); under the backup unit's PrivateTmp it is the unit's own, removed when it stops.
 */
export const OPS_TMPDIR = '/var/tmp'
/** The compiled tool's entry, relative to the release; its chunks sit beside it. */
export const OPS_ENTRY = 'dist/ops.mjs'

/** The environment's database CA in the secrets bucket: made by the first database host, read by every host after it. */
export const mongoCaKeys = (secretsPrefix: string) => ({
  key: `${secretsPrefix}/mongo-tls/ca.key`,
  cert: `${secretsPrefix}/mongo-tls/ca.pem`,
})

export const mongoTlsUnit = (model: Model) => `drsignet-mongo-tls-${model.env.name}`
export const backupUnit = (model: Model) => `drsignet-backup-${model.env.name}`
export const backupSecretKey = (model: Model) => `${model.env.secrets.prefix}/${BACKUP_AGENT}/.env`
