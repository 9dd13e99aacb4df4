// The architecture rules, checked on the templates as they resolve for the fixture environment
// (ingress, IMDSv2, encryption, buckets, deployments, listeners); reads templates only.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Resolver } from './resolve.ts'
import { cloudWatchAgentConfig } from '../../scripts/lib/render/cloudwatch-agent.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { productionModel } from '../fixtures/model.ts'
import { stackResources, type StackResource } from './stack-resources.ts'
import { allTemplates } from './templates.ts'

const templates = allTemplates()
const model = productionModel()
// Every resource of every stack, resolved with that stack's parameters; imports stay symbolic.
const resources = stackResources(model)
const ofType = (type: string) => resources.filter((r) => r.Type === type)

test('the only ingress from 0.0.0.0/0 is the ALB on 443 and 80', () => {
  const open: string[] = []
  for (const r of ofType('AWS::EC2::SecurityGroup')) {
    for (const rule of r.Properties.SecurityGroupIngress ?? []) {
      if (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0')
        open.push(`${r.stack}/${r.id}:${rule.FromPort}-${rule.ToPort}`)
    }
  }
  for (const r of ofType('AWS::EC2::SecurityGroupIngress')) {
    if (r.Properties.CidrIp === '0.0.0.0/0' || r.Properties.CidrIpv6 === '::/0') open.push(`${r.stack}/${r.id}`)
  }
  assert.equal(open, [
    'drsignet-production-security/AlbSecurityGroup:443-443',
    'drsignet-production-security/AlbSecurityGroup:80-80',
  ])
})

test('SSH and Mongo only from the VPN and app groups; app ports only from the ALB group', () => {
  const rules = ofType('AWS::EC2::SecurityGroupIngress').map(
    (r) => `${r.Properties.GroupId} ${r.Properties.FromPort} <- ${r.Properties.SourceSecurityGroupId}`,
  )
  assert.equal(rules.sort(), [
    'AppSecurityGroup-physical-id 2222 <- VpnSecurityGroup-physical-id',
    'DatabaseSecurityGroup-physical-id 2222 <- VpnSecurityGroup-physical-id',
    'DatabaseSecurityGroup-physical-id 27517 <- AppSecurityGroup-physical-id',
    'DatabaseSecurityGroup-physical-id 27517 <- VpnSecurityGroup-physical-id',
    'import:drsignet-production-app-sg 8081 <- import:drsignet-production-alb-sg',
    'import:drsignet-production-app-sg 8082 <- import:drsignet-production-alb-sg',
    'import:drsignet-production-app-sg 8083 <- import:drsignet-production-alb-sg',
  ])
})

test('launch templates require IMDSv2 and encrypt every volume with the CMK', () => {
  const lts = ofType('AWS::EC2::LaunchTemplate')
  assert.is(lts.length, 4)
  for (const lt of lts) {
    const data = lt.Properties.LaunchTemplateData
    assert.is(data.MetadataOptions.HttpTokens, 'required', lt.stack)
    for (const bd of data.BlockDeviceMappings) {
      assert.equal([bd.Ebs.Encrypted, bd.Ebs.KmsKeyId], [true, 'import:drsignet-production-kms-key-arn'], lt.stack)
    }
  }
  const db = lts.find((l) => l.stack.endsWith('group-database'))
  assert.is(db?.Properties.LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeSize, '200')
})

test('buckets: public access blocked, versioned, logged, TLS-only; backups expire after the retention days', () => {
  const buckets = ofType('AWS::S3::Bucket')
  assert.equal(buckets.map((b) => b.Properties.BucketName).sort(), [
    'drsignet-production-artifacts',
    'drsignet-production-backups',
    'drsignet-production-logs',
    'drsignet-production-secrets',
  ])
  for (const b of buckets) {
    const name = b.Properties.BucketName
    assert.equal(Object.values(b.Properties.PublicAccessBlockConfiguration), [true, true, true, true], name)
    assert.is(b.Properties.VersioningConfiguration.Status, 'Enabled', name)
    if (!name.endsWith('-logs')) {
      assert.is(b.Properties.LoggingConfiguration.DestinationBucketName, 'LogsBucket-physical-id', name)
      assert.is(
        b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
        'aws:kms',
        name,
      )
    }
    const policy = ofType('AWS::S3::BucketPolicy').find((p) => p.Properties.Bucket === `${b.id}-physical-id`)
    const tls = policy?.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'DenyInsecureTransport')
    assert.equal(tls?.Condition, { Bool: { 'aws:SecureTransport': 'false' } }, name)
  }
  const backups = buckets.find((b) => b.id === 'BackupBucket')
  assert.is(
    backups?.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays,
    String(model.env.backup.retentionDays),
  )
  const key = ofType('AWS::KMS::Key')[0]
  assert.is(key.Properties.EnableKeyRotation, true)
})

test('deployment groups: in place, one at a time, traffic control, rollback on failure and alarm, SNS triggers', () => {
  const all = ofType('AWS::CodeDeploy::DeploymentGroup')
  const groups = all.filter((g) => g.Properties.DeploymentGroupName !== 'backup')
  assert.is(groups.length, model.apps.length)
  for (const g of groups) {
    const p = g.Properties
    assert.equal(p.DeploymentStyle, { DeploymentType: 'IN_PLACE', DeploymentOption: 'WITH_TRAFFIC_CONTROL' })
    assert.is(p.DeploymentConfigName, 'CodeDeployDefault.OneAtATime')
    assert.equal(p.AutoRollbackConfiguration, {
      Enabled: true,
      Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
    })
    assert.equal(p.AlarmConfiguration.Alarms, [{ Name: `drsignet-production-${p.DeploymentGroupName}-5xx` }])
    assert.equal(
      p.TriggerConfigurations.map((t: any) => t.TriggerEvents),
      [['DeploymentFailure', 'DeploymentRollback', 'DeploymentSuccess', 'DeploymentStop']],
    )
    assert.equal(p.LoadBalancerInfo.TargetGroupInfoList, [
      { Name: `import:drsignet-production-target-${p.DeploymentGroupName}-name` },
    ])
  }
  // The backup tool's group: the database instances, no load balancer in front, the same rollback and triggers.
  const [backup] = all.filter((g) => g.Properties.DeploymentGroupName === 'backup')
  assert.equal(backup!.Properties.DeploymentStyle, {
    DeploymentType: 'IN_PLACE',
    DeploymentOption: 'WITHOUT_TRAFFIC_CONTROL',
  })
  // The database's Auto Scaling group itself, so CodeDeploy deploys to every instance it launches (a replacement).
  assert.equal(backup!.Properties.AutoScalingGroups, ['import:drsignet-production-database-asg'])
  assert.is(backup!.Properties.Ec2TagSet, undefined, 'tags would select the same instance twice')
  assert.equal(backup!.Properties.AutoRollbackConfiguration, {
    Enabled: true,
    Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
  })
  assert.is(backup!.Properties.TriggerConfigurations.length, 1)
})

test('instances come and go without dropping capacity: app groups launch before they terminate; the database cannot', () => {
  const groups = ofType('AWS::AutoScaling::AutoScalingGroup')
  assert.is(groups.length, model.env.instanceGroups.length)
  assert.ok(
    groups.some((g) => g.Properties.AutoScalingGroupName === `drsignet-production-${model.env.backup.instanceGroup}`),
  )
  for (const g of groups) {
    const database = g.Properties.AutoScalingGroupName === `drsignet-production-${model.env.backup.instanceGroup}`
    const refresh = g.UpdatePolicy?.AutoScalingInstanceRefresh
    assert.is(refresh?.Strategy, 'Rolling', `${g.stack}: a launch template change is an instance refresh`)
    assert.equal(
      [refresh.Preferences.MinHealthyPercentage, refresh.Preferences.MaxHealthyPercentage],
      database ? [0, 100] : [100, 200],
      g.stack,
    )
    assert.is(refresh.Preferences.SkipMatching, true)
    // Not the health check grace (30 min on app groups), which a refresh would otherwise wait after each instance.
    assert.is(refresh.Preferences.InstanceWarmup, 120, g.stack)
    assert.equal(
      g.Properties.InstanceMaintenancePolicy,
      database ? undefined : { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 },
      g.stack,
    )
  }
})

test("an app group registers its instances in its apps' target groups and replaces one that fails their health checks", () => {
  const groups = ofType('AWS::AutoScaling::AutoScalingGroup')
  const served = (g: any) =>
    model.apps.filter((a) => g.Properties.AutoScalingGroupName === `drsignet-production-${a.instanceGroup}`)
  for (const g of groups) {
    const apps = served(g)
    const p = g.Properties
    if (!apps.length) {
      assert.equal(
        [p.HealthCheckType, p.TargetGroupARNs, p.HealthCheckGracePeriod],
        ['EC2', undefined, '0'],
        `${g.stack}: no load balancer in front`,
      )
      continue
    }
    assert.is(p.HealthCheckType, 'ELB', g.stack)
    assert.equal(p.TargetGroupARNs, apps.map((a) => `import:drsignet-production-target-${a.name}-arn`).sort(), g.stack)
    assert.is(p.HealthCheckGracePeriod, '1800')
  }
  assert.ok(
    groups.some((g) => served(g).length > 1),
    'a group with two apps',
  )
  // The listener forwards to the same target group the group registers in.
  const rules = ofType('AWS::ElasticLoadBalancingV2::ListenerRule')
    .map((r) => r.Properties.Actions[0].TargetGroupArn)
    .sort()
  assert.equal(rules, model.apps.map((a) => `import:drsignet-production-target-${a.name}-arn`).sort())
})

test('ALB: TLS 1.3 policy with the certificate, HTTP redirects, logs and deletion protection on; health checks from the apps', () => {
  const [https, http] = ofType('AWS::ElasticLoadBalancingV2::Listener')
  assert.equal(
    [https.Properties.Protocol, https.Properties.SslPolicy, https.Properties.Certificates[0].CertificateArn],
    ['HTTPS', model.env.loadBalancer.sslPolicy, model.env.loadBalancer.certificateArn],
  )
  assert.is(http.Properties.DefaultActions[0].RedirectConfig.Protocol, 'HTTPS')
  const attrs = Object.fromEntries(
    ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')[0].Properties.LoadBalancerAttributes.map((a: any) => [
      a.Key,
      a.Value,
    ]),
  )
  assert.equal([attrs['deletion_protection.enabled'], attrs['access_logs.s3.enabled']], ['true', 'true'])
  const tgs = ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map((t) => [
    t.stack,
    t.Properties.Port,
    t.Properties.HealthCheckPath,
    t.Properties.Matcher.HttpCode,
  ])
  assert.equal(
    tgs,
    model.apps.map((a) => [
      `drsignet-production-target-${a.name}`,
      String(a.proxyPort),
      a.healthCheck.path,
      a.healthCheck.matcher,
    ]),
  )
  const rules = ofType('AWS::ElasticLoadBalancingV2::ListenerRule').map((r) =>
    r.Properties.Conditions.map((c: any) => `${c.Field}=${(c.HostHeaderConfig ?? c.PathPatternConfig).Values}`),
  )
  assert.equal(
    rules,
    model.apps.map((a) => [`host-header=${a.hosts.join(',')}`, 'path-pattern=/*']),
  )
})

test('every request passes the web ACL first: AWS managed rules (common, known bad inputs, IP reputation) and a per-client rate limit', () => {
  const [acl] = ofType('AWS::WAFv2::WebACL')
  assert.ok(acl, 'a web ACL')
  assert.equal(
    [acl.stack, acl.Properties.Scope, Object.keys(acl.Properties.DefaultAction)],
    ['drsignet-production-load-balancer', 'REGIONAL', ['Allow']],
  )
  const managed = acl.Properties.Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => [
    r.Statement.ManagedRuleGroupStatement.Name,
    Object.keys(r.OverrideAction)[0],
  ])
  assert.equal(managed, [
    ['AWSManagedRulesAmazonIpReputationList', 'None'],
    ['AWSManagedRulesKnownBadInputsRuleSet', 'None'],
    ['AWSManagedRulesCommonRuleSet', 'None'],
  ])
  // The common set's fixed 8 KB body cap only counts: the APIs take uploads up to their own nginx limit.
  const common = acl.Properties.Rules.find(
    (r: any) => r.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet',
  )
  assert.equal(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides, [
    { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
  ])
  // The rate limit is the portal's: scoped to its hosts, so mobile users behind one carrier address are not blocked.
  const rate = acl.Properties.Rules.find((r: any) => r.Statement.RateBasedStatement)
  assert.equal(
    [
      rate.Statement.RateBasedStatement.Limit,
      rate.Statement.RateBasedStatement.AggregateKeyType,
      Object.keys(rate.Action),
    ],
    ['2000', 'IP', ['Block']],
  )
  assert.equal(rate.Statement.RateBasedStatement.ScopeDownStatement.RegexPatternSetReferenceStatement.FieldToMatch, {
    SingleHeader: { Name: 'host' },
  })
  const portalHosts = model.apps.filter((a) => a.kind === 'spa').flatMap((a) => a.hosts)
  assert.ok(portalHosts.length > 0)
  assert.equal(
    ofType('AWS::WAFv2::RegexPatternSet')[0]!.Properties.RegularExpressionList,
    portalHosts.map((h) => `^${h.replaceAll('.', '\\.')}$`),
  )
  for (const h of portalHosts)
    assert.match(h, new RegExp(ofType('AWS::WAFv2::RegexPatternSet')[0]!.Properties.RegularExpressionList[0]))
  const [assoc] = ofType('AWS::WAFv2::WebACLAssociation')
  assert.equal(assoc.Properties.ResourceArn, 'LoadBalancer-physical-id')
  const [logging] = ofType('AWS::WAFv2::LoggingConfiguration')
  assert.equal(
    logging.Properties.RedactedFields.map((f: any) => f.SingleHeader.Name),
    ['authorization', 'cookie'],
  )
  // The group's own ARN (from its name), not its Arn attribute, whose ':*' WAF refuses.
  assert.match(
    logging.Properties.LogDestinationConfigs[0],
    /^arn:aws:logs:ap-south-1:111122223333:log-group:WafLogGroup-physical-id$/,
  )
  assert.is(
    ofType('AWS::Logs::LogGroup').find((g) => g.id === 'WafLogGroup')!.Properties.LogGroupName,
    'aws-waf-logs-drsignet-production',
  )
})

test("an app with allowFrom is forwarded only from those ranges; others fall to the listener's 404", () => {
  const m = structuredClone(productionModel()) as Model
  const portal = m.apps.find((a) => a.kind === 'spa') ?? m.apps[0]!
  portal.allowFrom = ['198.51.100.0/24', '203.0.113.0/24']
  const stack = stackInstances(m).find((x) => x.stack === `drsignet-production-app-${portal.name}`)!
  const rule = (params: Record<string, string>) => {
    const r = new Resolver({
      template: templates['app.yaml'],
      parameters: params,
      accountId: m.env.account,
      region: m.env.region,
      stackName: stack.stack,
      importValue: (n) => `import:${n}`,
    })
    return (r.resources().ListenerRule as StackResource).Properties.Conditions.map(
      (c: any) => `${c.Field}=${(c.HostHeaderConfig ?? c.PathPatternConfig ?? c.SourceIpConfig).Values}`,
    )
  }
  assert.equal(rule(stack.parameters), [
    `host-header=${portal.hosts.join(',')}`,
    'path-pattern=/*',
    'source-ip=198.51.100.0/24,203.0.113.0/24',
  ])
  assert.equal(rule({ ...stack.parameters, AllowFrom: '' }), [
    `host-header=${portal.hosts.join(',')}`,
    'path-pattern=/*',
  ])
})

test('governance: multi-region trail with validation, the named Config rules, quarterly patching, password policy', () => {
  const trail = ofType('AWS::CloudTrail::Trail')[0].Properties
  assert.equal([trail.IsMultiRegionTrail, trail.EnableLogFileValidation, trail.IsLogging], [true, true, true])
  const rules = ofType('AWS::Config::ConfigRule').map((r) => r.Properties.ConfigRuleName)
  for (const name of [
    's3-bucket-public-read-prohibited',
    'encrypted-volumes',
    'restricted-ssh',
    'iam-user-mfa-enabled',
    'root-account-mfa-enabled',
  ]) {
    assert.ok(rules.includes(name), name)
  }
  assert.is(ofType('AWS::SSM::MaintenanceWindow')[0].Properties.Schedule, 'cron(0 2 ? 1/3 SUN#1 *)')
  assert.is(ofType('Custom::PasswordPolicy')[0].Properties.MinimumPasswordLength, 14)
  const groups = ofType('AWS::Logs::LogGroup')
  assert.ok(
    groups.every((g) => g.Properties.RetentionInDays && g.Properties.KmsKeyId),
    'every log group has retention and the CMK',
  )
})

test('the CloudWatch agent writes to log groups the stacks create (with retention and the CMK)', () => {
  const created = new Set(ofType('AWS::Logs::LogGroup').map((g) => g.Properties.LogGroupName))
  const shipped = model.env.instanceGroups.flatMap((g) =>
    cloudWatchAgentConfig(model, g).logs.logs_collected.files.collect_list.map((f) => f.log_group_name),
  )
  assert.ok(shipped.length > 0)
  for (const name of shipped)
    assert.ok(created.has(name), `${name} is not created by any stack: ${[...created].join(', ')}`)
})

test('the dashboard body is valid JSON with a widget per signal', () => {
  const body = JSON.parse(ofType('AWS::CloudWatch::Dashboard')[0].Properties.DashboardBody)
  assert.equal(
    body.widgets.map((w: any) => w.properties.title),
    [
      'CPU by instance group',
      'Memory and disk used %',
      'Target 5xx',
      'Target response time',
      'Unhealthy hosts',
      'Good backups per day',
      'Delivery, all apps: good deploys per day and change failure rate % (30 days, from apply)',
      'Delivery, all apps: median lead time and time to restore, hours (30 days, from apply)',
    ],
  )
  // The delivery widgets read what apply publishes (delivery-publisher.ts): its namespace, the 'all' scope, its names.
  const delivery = body.widgets.slice(6).flatMap((w: any) => w.properties.metrics)
  assert.equal(
    delivery.map((m: string[]) => m[1]),
    ['DeploymentsPerDay', 'ChangeFailureRate', 'LeadTimeHours', 'TimeToRestoreHours'],
  )
  assert.equal(delivery[0].slice(2), ['Environment', model.env.name, 'App', 'all'])
})

// IAM cannot condition on a trust policy's content, so this rule is the guard: a role is assumed by
// an AWS service on behalf of this account, or by this account's own principals with MFA.
test('no role trusts another account: services for this account, or this account with MFA', () => {
  const roles = ofType('AWS::IAM::Role')
  assert.ok(roles.length >= 10)
  const wrong: string[] = []
  for (const r of roles) {
    for (const st of r.Properties.AssumeRolePolicyDocument.Statement as any[]) {
      const p = st.Principal ?? {}
      const service = p.Service !== undefined && p.AWS === undefined
      const own =
        p.AWS === `arn:aws:iam::${model.env.account}:root` &&
        st.Condition?.Bool?.['aws:MultiFactorAuthPresent'] === 'true'
      const scoped =
        service &&
        (st.Condition?.StringEquals?.['aws:SourceAccount'] === model.env.account ||
          p.Service === 'lambda.amazonaws.com' ||
          p.Service === 'ec2.amazonaws.com')
      if (!(scoped || own) || st.NotPrincipal !== undefined) wrong.push(`${r.stack}/${r.id}: ${JSON.stringify(st)}`)
    }
  }
  assert.equal(wrong, [])
})

test.run()
