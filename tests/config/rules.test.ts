// Each semantic rule beyond the schema, with a broken variant of the sample and the exact message.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { longestGapHours } from '../../scripts/lib/config/rules/backup.ts'
import { backupTimeoutMinutes } from '../../scripts/lib/config/model.ts'
import { cidrsOverlap } from '../../scripts/lib/config/rules/network.ts'
import { sample, P, PATIENT, PORTAL, S, problemsWith } from './variant.ts'
import { loadConfig } from '../../scripts/lib/config/load.ts'
import { formatProblem } from '../../scripts/lib/config/problems.ts'

const expectOnly = (found: string[], ...expected: string[]) => assert.equal(found, expected)

test('app-exists: every app an environment names has a file, with a suggestion', () => {
  expectOnly(
    problemsWith({ file: P, from: '  doctor-api:\n    version', to: '  docter-api:\n    version' }),
    "environments/production.yaml:63:3: app 'docter-api' has no file apps/docter-api.yaml; did you mean 'doctor-api'?",
    "environments/production.yaml:120:5: database client 'doctor-api' is not an app of this environment; MongoDB users are made for its apps only (known: patient-api, docter-api, admin-portal)",
    "environments/production.yaml:161:10: alarm 'doctor-api-5xx': app 'doctor-api' is not deployed in this environment",
    "environments/production.yaml:213:10: alarm 'doctor-api-capacity': app 'doctor-api' is not deployed in this environment",
  )
})

test('file-name: the name inside matches the file name', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'name: patient-api', to: 'name: patients-api' }),
    "apps/patient-api.yaml:4:7: name 'patients-api' must match the file name 'patient-api'; rename one of them",
  )
})

test('ports: unique per instance group, where the clashing value is written (the override)', () => {
  expectOnly(
    problemsWith({ file: P, from: '    version: 1.9.0\n', to: '    version: 1.9.0\n    port: 3001\n' }),
    "apps/patient-api.yaml:11:7: patient-api port 3001: already used by doctor-api port on instance group 'api'",
  )
})

test('ports: >= 1024, and never the SSH or Mongo port', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'proxyPort: 8081', to: 'proxyPort: 80' }),
    'apps/patient-api.yaml:12:12: patient-api proxyPort 80: must be >= 1024 (apps never run as root, and nginx owns 80 and 443)',
  )
  expectOnly(
    problemsWith({ file: PATIENT, from: 'port: 3001', to: 'port: 2222' }),
    'apps/patient-api.yaml:11:7: patient-api port 2222: clashes with the SSH port',
  )
  expectOnly(
    problemsWith({ file: PATIENT, from: 'port: 3001', to: 'port: 27517' }),
    'apps/patient-api.yaml:11:7: patient-api port 27517: clashes with the Mongo port',
  )
})

test('hosts-unique: a host name belongs to one app', () => {
  expectOnly(
    problemsWith({ file: P, from: 'hosts: [doctor-api.drsignet.com]', to: 'hosts: [patient-api.drsignet.com]' }),
    "environments/production.yaml:62:13: host 'patient-api.drsignet.com' is already served by doctor-api; host names must be unique in an environment",
  )
})

test('spa-rate-limit: a single-page app on the internet has a per-client rate limit', () => {
  expectOnly(
    problemsWith({
      file: PORTAL,
      from: /  # Per client address[^\n]*\n  rateLimit:\n    rate: 10r\/s\n    burst: 40\n/,
      to: '',
    }),
    'apps/admin-portal.yaml:36:3: admin-portal is a single-page app on the internet: set nginx.rateLimit (e.g. { rate: 10r/s, burst: 40 }) so one client cannot flood its Node server',
  )
})

test("allow-from: public ranges only, and within an ALB rule's 5 values", () => {
  const portal = (ranges: string) => ({
    file: P,
    from: '    hosts: [admin.drsignet.com]\n',
    to: `    hosts: [admin.drsignet.com]\n    allowFrom: ${ranges}\n`,
  })
  expectOnly(problemsWith(portal('[198.51.100.0/24]')))
  expectOnly(
    problemsWith(portal('[198.51.100.0/24, 10.1.0.0/16]')),
    "environments/production.yaml:71:34: admin-portal allowFrom 10.1.0.0/16 overlaps 10.0.0.0/8; the load balancer sees clients' public addresses: list the office's egress ranges",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '    hosts: [admin.drsignet.com]\n',
      to: '    hosts: [admin.drsignet.com, a.drsignet.com, b.drsignet.com]\n    allowFrom: [198.51.100.0/24, 203.0.113.0/24]\n',
    }),
    'environments/production.yaml:71:16: admin-portal has 3 hosts, 1 paths and 2 allowFrom ranges; an ALB listener rule holds at most 5 values in all: merge ranges or drop a host',
  )
  const schema = problemsWith(portal('[0.0.0.0/0]'))
  assert.is(schema.length, 1)
  assert.match(schema[0]!, /^environments\/production\.yaml:71:17: /)
})

test('routes-unique: apps without hosts need their own path', () => {
  expectOnly(
    problemsWith(
      { file: P, from: 'hosts: [doctor-api.drsignet.com]', to: 'hosts: []' },
      { file: P, from: 'hosts: [patient-api.drsignet.com]', to: 'hosts: []' },
    ),
    'apps/patient-api.yaml:13:9: path / on the default host is already routed to doctor-api; give the app a host or its own path',
  )
})

test('backup-cron: a valid cron expression', () => {
  expectOnly(
    problemsWith({ file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "61 0 * * *"' }),
    "environments/production.yaml:93:13: backup schedule '61 0 * * *' is not a valid cron expression: Constraint error, got value 61 expected range 0-59",
  )
})

test('backup-rpo: the schedule runs at least once per RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 0 * * 0"' }),
    "environments/production.yaml:93:13: backup schedule '0 0 * * 0' leaves up to 168 h between backups, more than the RPO of 24 h; run it more often",
  )
  assert.is(longestGapHours('0 0 * * *', 'Asia/Kolkata'), 24)
  assert.is(longestGapHours('0 */6 * * *', 'UTC'), 6)
  // "Day 1 and 15" leaves 17 days after the 15th of a 31-day month.
  assert.is(longestGapHours('0 0 1,15 * *', 'UTC'), 17 * 24)
})

test("database-address: a free address of the zone's private subnet", () => {
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10', to: 'address: 10.20.64.10' }),
    'environments/production.yaml:108:12: database address 10.20.64.10 is outside 10.20.128.0/18, the private subnet of zone a; pick a free address inside it (e.g. 10.20.128.10)',
  )
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10', to: 'address: 10.20.128.2' }),
    'environments/production.yaml:108:12: database address 10.20.128.2 is one of the four addresses AWS keeps at the start of 10.20.128.0/18, the private subnet of zone a; pick a free address inside it (e.g. 10.20.128.10)',
  )
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10\n  zone: a', to: 'address: 10.20.255.255\n  zone: b' }),
    'environments/production.yaml:108:12: database address 10.20.255.255 is the last address of 10.20.192.0/18, which AWS keeps, the private subnet of zone b; pick a free address inside it (e.g. 10.20.192.10)',
  )
})

test('database-snapshot-*: snapshots within the RPO, kept a whole number of intervals, at most 1000', () => {
  expectOnly(
    problemsWith(
      { file: P, from: 'everyHours: 1', to: 'everyHours: 24' },
      { file: P, from: 'rpoHours: 24', to: 'rpoHours: 12' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 */12 * * *"' },
      { file: P, from: 'keepHours: 72', to: 'keepHours: 96' },
      { file: P, from: 'threshold: 90000', to: 'threshold: 43200' },
    ),
    'environments/production.yaml:115:17: snapshots every 24 h would lose up to 24 h of writes with the volume, more than the RPO of 12 h; take them at most every 12 h',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'everyHours: 1', to: 'everyHours: 6' },
      { file: P, from: 'keepHours: 72', to: 'keepHours: 40' },
    ),
    'environments/production.yaml:116:16: keepHours 40 is not a multiple of everyHours 6; DLM keeps a count of snapshots, so use 42',
  )
  expectOnly(
    problemsWith({ file: P, from: 'keepHours: 72', to: 'keepHours: 2000' }),
    'environments/production.yaml:116:16: keeping 2000 h of snapshots every 1 h is 2000 snapshots; DLM keeps at most 1000, so take them less often or keep them shorter (the nightly backups cover the long tail)',
  )
})

test('database-single / database-client: one database instance, users for known apps only', () => {
  expectOnly(
    problemsWith({ file: S, from: /  database:\n    count: 1/, to: '  database:\n    count: 2' }),
    "environments/staging.yaml:44:12: the database group 'database' has count 2; it must be 1, since its one data volume and address attach to one instance",
  )
  expectOnly(
    problemsWith({
      file: S,
      from: '    doctor-api: drsignet\n',
      to: '    doctor-api: drsignet\n    admin-portl: drsignet\n',
    }),
    "environments/staging.yaml:111:5: database client 'admin-portl' is not an app of this environment; MongoDB users are made for its apps only (known: patient-api, doctor-api, admin-portal)",
  )
})

test('backup-duration: a stuck backup is stopped before the next run and within the RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 800' }),
    'environments/production.yaml:98:20: a backup expected to take 800 min may run for 1600 min before its unit stops it, more than the 1440 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 200' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 */6 * * *"' },
    ),
    'environments/production.yaml:98:20: a backup expected to take 200 min may run for 400 min before its unit stops it, more than the 360 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  // Runs at 02:00 and 04:00: the longest gap is 22 h, but the 04:00 run is due 120 min after the 02:00 one.
  expectOnly(
    problemsWith(
      { file: P, from: 'expectedMinutes: 20', to: 'expectedMinutes: 90' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 2,4 * * *"' },
    ),
    'environments/production.yaml:98:20: a backup expected to take 90 min may run for 180 min before its unit stops it, more than the 120 min that the schedule and the RPO of 24 h leave; a backup this slow needs fewer databases per run (backup.databases) or a faster database instance',
  )
  assert.is(backupTimeoutMinutes({ expectedMinutes: 20 }), 50)
  assert.is(backupTimeoutMinutes({ expectedMinutes: 45 }), 90)
})

test('backup-timezone: an IANA zone that exists', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: 'timezone: Asia/Kolkata\n  retentionDays',
      to: 'timezone: Asia/Kolkatta\n  retentionDays',
    }),
    "environments/production.yaml:94:13: unknown time zone 'Asia/Kolkatta'; use an IANA name like Asia/Kolkata",
  )
})

test('retention: at least one day (schema) and covering the RPO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'retentionDays: 15', to: 'retentionDays: 0' }),
    'environments/production.yaml:95:18: /backup/retentionDays is 0; must be >= 1',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'retentionDays: 15', to: 'retentionDays: 1' },
      { file: P, from: 'rpoHours: 24', to: 'rpoHours: 48' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 0 */2 * *"' },
      { file: P, from: 'threshold: 90000', to: 'threshold: 172800' },
    ),
    'environments/production.yaml:95:18: retention of 1 days is shorter than the RPO of 48 h; no backup would be kept long enough',
  )
})

test('backup-alarm: an alarm on backup age exists and fires within RPO + RTO', () => {
  expectOnly(
    problemsWith({ file: P, from: 'threshold: 90000', to: 'threshold: 200000' }),
    "environments/production.yaml:197:16: alarm 'backup-stale' fires only after 200000 s; a backup-age alarm must fire within RPO + RTO (93600 s)",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: 'metric: backup-age',
      to: 'metric: cpu\n    instanceGroup: database\n    statistic: Average\n    comparison: GreaterThanThreshold\n    evaluationPeriods: 1',
    }),
    'environments/production.yaml:122:1: no alarm watches metric backup-age; add one so a stale backup pages someone before the RPO is lost',
  )
})

test('alarm-names-unique', () => {
  expectOnly(
    problemsWith({ file: P, from: '- name: api-memory-high', to: '- name: api-cpu-high' }),
    "environments/production.yaml:132:11: alarm name 'api-cpu-high' is used twice; alarm names must be unique",
  )
})

test('alarm-scope: the metric decides whether an app or an instance group is watched', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '    metric: target-5xx\n    app: patient-api',
      to: '    metric: target-5xx\n    instanceGroup: api',
    }),
    "environments/production.yaml:151:5: alarm 'patient-api-5xx': metric target-5xx needs 'app' (the target group to watch)",
  )
})

test('references: topics, stop alarms and instance groups exist, with suggestions', () => {
  expectOnly(
    problemsWith({ file: P, from: 'notify: [deployments]', to: 'notify: [deploymnts]' }),
    "environments/production.yaml:83:12: notification topic 'deploymnts' is not defined in notifications; did you mean 'deployments'?",
  )
  expectOnly(
    problemsWith({ file: P, from: 'stopOnAlarms: [patient-api-5xx,', to: 'stopOnAlarms: [patient-api-500,' }),
    "environments/production.yaml:82:18: alarm 'patient-api-500' is not defined in alarms; did you mean 'patient-api-5xx'?",
  )
  expectOnly(
    problemsWith({ file: P, from: '    instanceGroup: portal\n', to: '    instanceGroup: portl\n' }),
    "environments/production.yaml:69:20: instance group 'portl' is not defined in instanceGroups; did you mean 'portal'?",
  )
})

test('health-check-timing: timeout below interval', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'timeout: 5', to: 'timeout: 15' }),
    'apps/patient-api.yaml:20:12: patient-api healthCheck.timeout (15) must be less than interval (15), as the ALB requires',
  )
})

test('spa-static-root: single-page apps say where their bundle is', () => {
  expectOnly(
    problemsWith({ file: PORTAL, from: '  staticRoot: build\n', to: '' }),
    'apps/admin-portal.yaml:36:3: admin-portal is a single-page app: set nginx.staticRoot to the folder of the built bundle',
  )
})

test('vpn-peer: OpenVPN opens only to a public range, never the internet at large', () => {
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 192.168.1.0/24' }),
    "environments/production.yaml:14:16: VPN peer range 192.168.1.0/24 overlaps 192.168.0.0/16, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 10.20.5.0/24' }),
    "environments/production.yaml:14:16: VPN peer range 10.20.5.0/24 overlaps 10.0.0.0/8, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 0.0.0.0/0' }),
    "environments/production.yaml:14:16: /network/vpnPeerCidr is '0.0.0.0/0'; must be an IPv4 CIDR block of /8 to /32, like 203.0.113.0/24",
  )
  expectOnly(
    problemsWith({ file: P, from: 'vpnPeerCidr: 203.0.113.0/24', to: 'vpnPeerCidr: 0.0.0.0/8' }),
    "environments/production.yaml:14:16: VPN peer range 0.0.0.0/8 overlaps 0.0.0.0/8, which is not where OpenVPN clients connect from; use the public (egress) addresses of the admins' office",
  )
  assert.equal(
    problemsWith({ file: P, from: '  vpnPeerCidr: 203.0.113.0/24\n', to: '' }),
    [],
    'omitted: the VPN stays closed',
  )
})

test('vpn-cidr and certificate-region', () => {
  expectOnly(
    problemsWith({ file: P, from: 'vpnClientCidr: 172.27.224.0/20', to: 'vpnClientCidr: 10.20.64.0/20' }),
    'environments/production.yaml:12:18: VPN client range 10.20.64.0/20 overlaps the VPC 10.20.0.0/16; pick a range outside it',
  )
  expectOnly(
    problemsWith({ file: P, from: 'acm:ap-south-1:111122223333', to: 'acm:us-east-1:111122223333' }),
    'environments/production.yaml:18:19: certificate is in 111122223333/us-east-1 but the environment is 111122223333/ap-south-1; the ALB needs a certificate in its own account and region',
  )
  assert.ok(cidrsOverlap('10.20.0.0/16', '10.20.128.0/17'))
  assert.not.ok(cidrsOverlap('10.20.0.0/16', '10.21.0.0/16'))
})

test('buckets-distinct: each purpose has its own bucket', () => {
  expectOnly(
    problemsWith({ file: P, from: 'logs: drsignet-production-logs', to: 'logs: drsignet-production-artifacts' }),
    "environments/production.yaml:28:9: bucket 'drsignet-production-artifacts' is also buckets.artifacts; secrets, backups, artifacts and logs each need their own bucket so their access stays separate",
  )
})

test("secrets-prefix: names the environment, so no instance reads another environment's secrets", () => {
  expectOnly(
    problemsWith({ file: S, from: 'prefix: secrets/staging', to: 'prefix: secrets/production' }),
    "environments/staging.yaml:66:11: secrets prefix 'secrets/production' must end with the environment name ('staging'), e.g. secrets/staging, so no environment reads another's secrets",
  )
})

test('no-literal-secret: secret-named keys and secret-looking values, with a hint', () => {
  expectOnly(
    problemsWith({ file: P, from: 'audit:\n', to: 'mongoPassword: hunter2\naudit:\n' }),
    "environments/production.yaml:240:16: 'mongoPassword' holds a literal secret; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
  expectOnly(
    problemsWith({
      file: PATIENT,
      from: 'description: REST API of the patient mobile app',
      to: 'description: "key AKIAABCDEFGHIJKLMNOP"',
    }),
    "apps/patient-api.yaml:6:14: value looks like an AWS access key id; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
  expectOnly(
    problemsWith({ file: P, from: '  operation: Install', to: '  operation: "mongodb://admin:s3cret@db:27017"' }),
    "environments/production.yaml:236:14: value looks like a MongoDB URI with a password; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
})

test('env-isolation: no shared VPC range, bucket, branch, host, certificate or key alias; said in both files', () => {
  expectOnly(
    problemsWith(
      { file: S, from: 'vpcCidr: 10.30.0.0/16', to: 'vpcCidr: 10.20.128.0/17' },
      { file: S, from: 'address: 10.30.128.10', to: 'address: 10.20.192.10' },
    ),
    "environments/production.yaml:10:12: VPC 10.20.0.0/16 overlaps the VPC of environment 'staging' (environments/staging.yaml); environments must not share address space",
    "environments/staging.yaml:10:12: VPC 10.20.128.0/17 overlaps the VPC of environment 'production' (environments/production.yaml); environments must not share address space",
  )
  expectOnly(
    problemsWith({ file: S, from: 'bucket: drsignet-staging-backups', to: 'bucket: drsignet-production-backups' }),
    "environments/production.yaml:99:11: bucket 'drsignet-production-backups' is also used by environment 'staging' (environments/staging.yaml); environments must not share buckets",
    "environments/staging.yaml:89:11: bucket 'drsignet-production-backups' is also used by environment 'production' (environments/production.yaml); environments must not share buckets",
  )
  expectOnly(
    problemsWith({ file: S, from: 'branch: staging', to: 'branch: production' }),
    "environments/production.yaml:6:9: branch 'production' also deploys environment 'staging' (environments/staging.yaml); each environment needs its own branch",
    "environments/staging.yaml:6:9: branch 'production' also deploys environment 'production' (environments/production.yaml); each environment needs its own branch",
  )
  const host = problemsWith({ file: S, from: 'hosts: [admin.staging.drsignet.com]', to: 'hosts: [admin.drsignet.com]' })
  assert.equal(
    host.map((p) => p.replace(/: host .*/, '')),
    ['environments/production.yaml:70:13', 'environments/staging.yaml:62:13'],
  )
  assert.match(
    host[1]!,
    /host 'admin.drsignet.com' is also served by environment 'production' \(environments\/production.yaml\); the load balancers would race for its traffic/,
  )
  const prodCert = /certificateArn: (\S+)/.exec(sample().envs.find((e) => e.file === P)!.text)![1]!
  // In one account (a copied environment, say), so only the sharing is wrong.
  const cert = problemsWith(
    { file: S, from: /certificateArn: \S+/, to: `certificateArn: ${prodCert}` },
    { file: S, from: 'account: "444455556666"', to: 'account: "111122223333"' },
  )
  assert.equal(
    cert.filter((p) => p.includes('certificate')).map((p) => p.replace(/ certificate .*/, '')),
    ['environments/production.yaml:18:19:', 'environments/staging.yaml:18:19:'],
  )
  assert.ok(
    cert.some((p) =>
      /^environments\/staging.yaml:18:19: certificate arn:aws:acm:\S+ is also used by environment 'production'/.test(p),
    ),
    cert.join('\n'),
  )
  // Different accounts (as in the sample): one alias name is two keys, no clash. In one account it is one key.
  expectOnly(
    problemsWith({ file: S, from: 'keyAlias: alias/drsignet-staging', to: 'keyAlias: alias/drsignet-production' }),
  )
  const oneAccount = problemsWith(
    { file: S, from: 'keyAlias: alias/drsignet-staging', to: 'keyAlias: alias/drsignet-production' },
    { file: S, from: 'account: "444455556666"', to: 'account: "111122223333"' },
  )
  assert.ok(
    oneAccount.some((p) =>
      /^environments\/staging.yaml:24:13: key alias 'alias\/drsignet-production' is also environment 'production'/.test(
        p,
      ),
    ),
    oneAccount.join('\n'),
  )
})

test('capacity-watched: every app has a healthy-hosts alarm that fires on too few', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '  - name: doctor-api-capacity\n    metric: healthy-hosts\n    app: doctor-api',
      to: '  - name: doctor-api-capacity\n    metric: unhealthy-hosts\n    app: doctor-api',
    }),
    "environments/production.yaml:63:3: app 'doctor-api' has no healthy-hosts alarm: add { name: doctor-api-capacity, metric: healthy-hosts, app: doctor-api, statistic: Maximum, threshold: 2, comparison: LessThanThreshold, period: 300, evaluationPeriods: 3 } under alarms, so lost capacity pages someone",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '    app: admin-portal\n    statistic: Maximum\n    threshold: 2\n    comparison: LessThanThreshold',
      to: '    app: admin-portal\n    statistic: Maximum\n    threshold: 2\n    comparison: GreaterThanThreshold',
    }),
    "environments/production.yaml:225:17: alarm 'admin-portal-capacity': healthy-hosts watches for too few healthy instances; use LessThanThreshold (or LessThanOrEqualToThreshold)",
  )
})

test('scaling: min <= count <= max, a group that can grow, never the database group; production holds two', () => {
  const api = (scaling: string) => ({ file: P, from: '    scaling:\n      min: 2\n      max: 6\n', to: scaling })
  expectOnly(
    problemsWith(api('    scaling:\n      min: 3\n      max: 6\n')),
    "environments/production.yaml:34:12: instance group 'api': scaling.min 3 is above count 2; min <= count <= max",
  )
  expectOnly(
    problemsWith(api('    scaling:\n      min: 1\n      max: 1\n')),
    "environments/production.yaml:33:5: instance group 'api' in production may run on 1 instance; it needs at least 2 (raise scaling.min), or one lost instance is an outage",
    "environments/production.yaml:35:12: instance group 'api': scaling.max 1 is below count 2; min <= count <= max",
  )
  // A group that idles at one instance is one lost instance from an outage, however far it may grow.
  expectOnly(
    problemsWith(api('    scaling:\n      min: 1\n      max: 6\n')),
    "environments/production.yaml:33:5: instance group 'api' in production may run on 1 instance; it needs at least 2 (raise scaling.min), or one lost instance is an outage",
  )
  expectOnly(
    problemsWith(api('    scaling:\n      min: 2\n      max: 2\n')),
    "environments/production.yaml:35:12: instance group 'api': scaling.min and max are both 2, so the group can never scale; remove 'scaling' or raise max",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '  database:\n    count: 1\n',
      to: '  database:\n    count: 1\n    scaling: { min: 1, max: 2, targetCpu: 50 }\n',
    }),
    "environments/production.yaml:53:5: the database group 'database' cannot scale: its one data volume and address attach to one instance; remove 'scaling'",
  )
})

test('apps run on app groups, at most five to a group (its target group slots)', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '    version: 2.3.1\n    instanceGroup: portal',
      to: '    version: 2.3.1\n    instanceGroup: database',
    }),
    "environments/production.yaml:69:20: app 'admin-portal' is on the database group 'database'; put it on an app group (the database instance reads no app bundles and is not behind the load balancer)",
  )
  // Four more APIs beside the two on 'api': six apps for five slots.
  const { envs, apps } = sample()
  const doctor = apps.find((a) => a.file === 'apps/doctor-api.yaml')!.text
  const extra = [1, 2, 3, 4].map((i) => ({
    file: `apps/extra-${i}.yaml`,
    text: doctor
      .replace('name: doctor-api', `name: extra-${i}`)
      .replace('user: doctor', `user: extra${i}`)
      .replace('port: 3002', `port: ${3100 + i}`)
      .replace('proxyPort: 8082', `proxyPort: ${8100 + i}`)
      .replace('repository: drsignet-doctor-api', `repository: drsignet-extra-${i}`),
  }))
  const prod = envs.find((e) => e.file === P)!
  prod.text = prod.text.replace(
    'apps:\n',
    `apps:\n${[1, 2, 3, 4].map((i) => `  extra-${i}:\n    version: 1.0.0\n    instanceGroup: api\n    hosts: [extra-${i}.drsignet.com]\n`).join('')}`,
  )
  const enc = (xs: { file: string; text: string }[]) =>
    xs.map((x) => ({ file: x.file, bytes: new TextEncoder().encode(x.text) }))
  // The new apps have no healthy-hosts alarms yet: that rule's problems are not this test's.
  const found = loadConfig(enc([prod]), enc([...apps, ...extra]))
    .problems.filter((p) => p.rule !== 'capacity-watched')
    .map(formatProblem)
  expectOnly(
    found,
    "environments/production.yaml:31:3: instance group 'api' serves 6 apps; an Auto Scaling group here registers its instances in at most 5 target groups, so move some apps to another group",
  )
})

test.run()
