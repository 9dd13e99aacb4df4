// A small, valid Model for render and deploy tests, built in code so tests do not depend on the loader (pure).
import type { App, Model } from '../../scripts/lib/config/model.ts'

export function fixtureApp(overrides: Partial<App> = {}): App {
  return {
    name: 'patient-api',
    kind: 'api',
    description: 'REST API of the patient mobile app',
    source: { repository: 'drsignet-patient-api', branch: 'main' },
    version: '1.14.2',
    user: 'patient',
    port: 3001,
    proxyPort: 8081,
    instanceGroup: 'api',
    hosts: ['patient-api.drsignet.com'],
    paths: ['/'],
    start: { script: 'dist/server.js', nodeArgs: ['--enable-source-maps'] },
    healthCheck: {
      path: '/healthz',
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      matcher: '200',
    },
    pm2: { instances: 2, maxMemoryRestart: '512M', killTimeout: 5000, listenTimeout: 10000, waitReady: true },
    logs: { maxSize: '50M', retain: 14, compress: true, retentionDays: 30 },
    nginx: { clientMaxBodySize: '10m', connectTimeout: '5s', readTimeout: '60s', sendTimeout: '60s', websockets: true },
    hookTimeouts: {
      ApplicationStop: 60,
      BeforeInstall: 120,
      AfterInstall: 300,
      ApplicationStart: 120,
      ValidateService: 120,
      BeforeBlockTraffic: 90,
    },
    ...overrides,
  }
}

export function fixtureModel(apps: App[] = [fixtureApp()]): Model {
  return {
    env: {
      name: 'production',
      account: '111122223333',
      region: 'ap-south-1',
      branch: 'production',
      repository: 'drsignet-platform',
      network: { vpcCidr: '10.20.0.0/16', sshPort: 2222, vpnClientCidr: '172.27.224.0/20', mongoPort: 27517 },
      loadBalancer: {
        certificateArn: 'arn:aws:acm:ap-south-1:111122223333:certificate/x',
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        idleTimeout: 60,
        deletionProtection: true,
      },
      kms: { keyAlias: 'alias/drsignet-production' },
      buckets: { artifacts: 'drsignet-production-artifacts', logs: 'drsignet-production-logs' },
      instanceGroups: [{ name: 'api', count: 2, instanceType: 't3.medium', volumeSize: 30, tags: { Role: 'api' } }],
      secrets: {
        bucket: 'drsignet-production-secrets',
        prefix: 'secrets/production',
        kmsKey: 'alias/drsignet-production',
      },
      deployment: {
        config: 'CodeDeployDefault.OneAtATime',
        autoRollbackEvents: ['DEPLOYMENT_FAILURE'],
        stopOnAlarms: [],
        notify: ['deployments'],
      },
      notifications: [{ name: 'deployments', emails: ['devops@drsignet.com'] }],
      backup: {
        instanceGroup: 'database',
        schedule: '0 0 * * *',
        timezone: 'Asia/Kolkata',
        retentionDays: 15,
        rpoHours: 24,
        rtoHours: 2,
        expectedMinutes: 20,
        bucket: 'drsignet-production-backups',
        prefix: 'backups',
        kmsKey: 'alias/drsignet-production',
        compression: 'gzip',
      },
      database: {
        address: '10.20.128.10',
        zone: 'a',
        dataVolume: { size: 100 },
        snapshots: { everyHours: 1, keepHours: 72 },
        clients: { 'patient-api': 'drsignet', 'doctor-api': 'drsignet' },
      },
      alarms: [],
      patching: {
        frequency: 'quarterly',
        weekday: 'SUN',
        week: 1,
        time: '02:00',
        timezone: 'Asia/Kolkata',
        operation: 'Install',
        rebootOption: 'RebootIfNeeded',
        approveAfterDays: 7,
      },
      audit: { cloudTrail: true, config: true, logRetentionDays: 365 },
    },
    apps,
  }
}
