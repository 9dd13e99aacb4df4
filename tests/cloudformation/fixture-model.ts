// A hand-built production-like Model for the CloudFormation tests, independent of the YAML loader; no I/O.
import type { App, Model } from '../../scripts/lib/config/model.ts'

const app = (name: string, over: Partial<App>): App => ({
  name,
  kind: 'api',
  description: `${name} test app`,
  source: { repository: `drsignet-${name}`, branch: 'main' },
  version: '1.0.0',
  user: name.split('-')[0],
  port: 3001,
  proxyPort: 8081,
  instanceGroup: 'api',
  hosts: [`${name}.example.com`],
  paths: ['/'],
  start: { script: 'dist/server.js', nodeArgs: [] },
  healthCheck: { path: '/healthz', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200' },
  pm2: { instances: 2, maxMemoryRestart: '512M', killTimeout: 5000, listenTimeout: 10000, waitReady: true },
  logs: { maxSize: '50M', retain: 14, compress: true, retentionDays: 30 },
  nginx: { clientMaxBodySize: '10m', connectTimeout: '5s', readTimeout: '60s', sendTimeout: '60s', websockets: true },
  hookTimeouts: { ApplicationStop: 60 },
  ...over,
})

export const fixtureModel = (): Model => ({
  env: {
    name: 'production',
    account: '111122223333',
    region: 'ap-south-1',
    branch: 'production',
    repository: 'drsignet-platform',
    network: { vpcCidr: '10.20.0.0/16', sshPort: 2222, vpnClientCidr: '172.27.224.0/20', mongoPort: 27517 },
    loadBalancer: {
      certificateArn: 'arn:aws:acm:ap-south-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      idleTimeout: 60,
      deletionProtection: true,
    },
    kms: { keyAlias: 'alias/drsignet-production' },
    buckets: { artifacts: 'drsignet-production-artifacts', logs: 'drsignet-production-logs' },
    instanceGroups: [
      { name: 'api', count: 2, instanceType: 't3.medium', volumeSize: 30, tags: { Role: 'api' } },
      { name: 'database', count: 1, instanceType: 'r6g.large', volumeSize: 200, tags: { Role: 'database' } },
      { name: 'portal', count: 2, instanceType: 't3.small', volumeSize: 20, tags: { Role: 'portal' } },
    ],
    secrets: { bucket: 'drsignet-production-secrets', prefix: 'secrets/production', kmsKey: 'alias/drsignet-production' },
    deployment: {
      config: 'CodeDeployDefault.OneAtATime',
      autoRollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
      stopOnAlarms: ['patient-api-5xx', 'doctor-api-5xx', 'admin-portal-5xx'],
      notify: ['deployments'],
    },
    notifications: [
      { name: 'deployments', emails: ['devops@drsignet.com', 'developers@drsignet.com'] },
      { name: 'operations', emails: ['devops@drsignet.com'] },
    ],
    backup: {
      instanceGroup: 'database', schedule: '0 0 * * *', timezone: 'Asia/Kolkata', retentionDays: 15, rpoHours: 24, rtoHours: 2, expectedMinutes: 20,
      bucket: 'drsignet-production-backups', prefix: 'backups', kmsKey: 'alias/drsignet-production', compression: 'gzip', databases: ['drsignet'],
    },
    database: { address: '10.20.128.10', zone: 'a', dataVolume: { size: 100 }, snapshots: { everyHours: 1, keepHours: 72 }, clients: { 'patient-api': 'drsignet', 'doctor-api': 'drsignet' } },
    alarms: [
      { name: 'api-cpu-high', metric: 'cpu', instanceGroup: 'api', statistic: 'Average', threshold: 80, comparison: 'GreaterThanThreshold', period: 300, evaluationPeriods: 2, notify: ['operations'] },
      { name: 'api-memory-high', metric: 'memory', instanceGroup: 'api', statistic: 'Average', threshold: 85, comparison: 'GreaterThanThreshold', period: 300, evaluationPeriods: 2, notify: ['operations'] },
      { name: 'database-disk-high', metric: 'disk', instanceGroup: 'database', statistic: 'Maximum', threshold: 80, comparison: 'GreaterThanOrEqualToThreshold', period: 300, evaluationPeriods: 1, notify: ['operations'] },
      { name: 'patient-api-5xx', metric: 'target-5xx', app: 'patient-api', statistic: 'Sum', threshold: 10, comparison: 'GreaterThanThreshold', period: 60, evaluationPeriods: 3, notify: ['operations', 'deployments'] },
      { name: 'doctor-api-5xx', metric: 'target-5xx', app: 'doctor-api', statistic: 'Sum', threshold: 10, comparison: 'GreaterThanThreshold', period: 60, evaluationPeriods: 3, notify: ['operations', 'deployments'] },
      { name: 'admin-portal-5xx', metric: 'target-5xx', app: 'admin-portal', statistic: 'Sum', threshold: 5, comparison: 'GreaterThanThreshold', period: 60, evaluationPeriods: 3, notify: ['operations', 'deployments'] },
      { name: 'patient-api-unhealthy', metric: 'unhealthy-hosts', app: 'patient-api', statistic: 'Maximum', threshold: 0, comparison: 'GreaterThanThreshold', period: 60, evaluationPeriods: 2, notify: ['operations'] },
      { name: 'patient-api-latency', metric: 'response-time', app: 'patient-api', statistic: 'Average', threshold: 1.5, comparison: 'GreaterThanThreshold', period: 60, evaluationPeriods: 5, notify: ['operations'] },
      { name: 'backup-stale', metric: 'backup-age', statistic: 'Maximum', threshold: 90000, comparison: 'GreaterThanThreshold', period: 3600, evaluationPeriods: 1, notify: ['operations'] },
    ],
    patching: { frequency: 'quarterly', weekday: 'SUN', week: 1, time: '02:00', timezone: 'Asia/Kolkata', operation: 'Install', rebootOption: 'RebootIfNeeded', approveAfterDays: 7 },
    audit: { cloudTrail: true, config: true, logRetentionDays: 365 },
  },
  apps: [
    app('admin-portal', { kind: 'spa', port: 3003, proxyPort: 8083, instanceGroup: 'portal', hosts: ['admin.drsignet.com'], healthCheck: { path: '/healthz', interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200-299' } }),
    app('doctor-api', { port: 3002, proxyPort: 8082, hosts: ['doctor-api.drsignet.com'] }),
    app('patient-api', { port: 3001, proxyPort: 8081, hosts: ['patient-api.drsignet.com'] }),
  ],
})
