// Least privilege, proven by simulation: the policies the templates would create, evaluated with
// @cloud-copilot/iam-simulate (AGPL-3.0, dev dependency) for allow/deny cases; reads templates only.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate'
import { deployPolicies, type Policy, type Principal } from './deployed-policies.ts'
import { productionModel } from '../fixtures/model.ts'
import { allTemplates } from './templates.ts'

const ACCOUNT = '111122223333'
const REGION = 'ap-south-1'
const deployed = deployPolicies(productionModel(), allTemplates())
const KEY = deployed.keyArn
const REPO = `arn:aws:codecommit:${REGION}:${ACCOUNT}:drsignet-platform`
const TRAIL = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/drsignet-production`
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/drsignet-production-${name}`
const stack = (name: string) =>
  `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/drsignet-production-${name}/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/drsignet-production-boundary`
const BOUNDED = { 'iam:PermissionsBoundary': BOUNDARY }
const S3_VIA = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }

type Who = { label: string; principal: Principal; asArn: string }
const fromRole = (name: string): Who => {
  const p = deployed.roles.get(`drsignet-production-${name}`)
  if (!p) throw new Error(`no role ${name}`)
  return {
    label: name,
    principal: p,
    asArn: `arn:aws:sts::${ACCOUNT}:assumed-role/drsignet-production-${name}/session`,
  }
}
const fromGroup = (name: string, user: string): Who => {
  const p = deployed.groups.get(`drsignet-production-${name}`)
  if (!p) throw new Error(`no group ${name}`)
  return { label: name, principal: p, asArn: `arn:aws:iam::${ACCOUNT}:user/${user}` }
}

const developer = fromGroup('developers', 'dev-alice')
const manager = fromGroup('managers', 'drsignet-managers/mgr-bob')
const breakGlass = fromRole('break-glass')
const apiInstance = fromRole('api-instance')
const portalInstance = fromRole('portal-instance')
const dbInstance = fromRole('database-instance')
const applyBuild = fromRole('codebuild-apply')
const prBuild = fromRole('codebuild-pr')
const cfnRole = fromRole('cloudformation')
const pipeline = fromRole('codepipeline')
const events = fromRole('events')
const codedeploy: Who = { ...fromRole('deploy-ServiceRole'), label: 'codedeploy' }

type Outcome = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'
// For a role's session AWS sets aws:PrincipalArn to the role's ARN, not the session's.
const principalArn = (who: Who) => (who.asArn.includes(':assumed-role/') ? who.principal.arn : who.asArn)
async function decide(
  who: Who,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Outcome> {
  // Bucket policies and the key policy take part, as they would in the account.
  const bucket = resource.match(/^arn:aws:s3:::([^/]+)/)?.[1]
  const resourcePolicy: Policy | undefined = bucket
    ? deployed.bucketPolicies.get(bucket)
    : resource === KEY
      ? deployed.keyPolicy
      : undefined
  const simulation: Simulation = {
    request: {
      principal: who.asArn,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': principalArn(who), ...context },
    },
    identityPolicies: who.principal.policies.map((p) => ({ name: p.name, policy: p.policy })),
    permissionBoundaryPolicies: who.principal.boundary ? [who.principal.boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  }
  const result = await runSimulation(simulation, {})
  if (result.resultType === 'error') throw new Error(`${who.label} ${action}: ${JSON.stringify(result.errors)}`)
  return result.overallResult as Outcome
}

let assertions = 0
type Case = [
  who: Who,
  action: string,
  resource: string,
  expected: Outcome | 'Denied',
  context?: Record<string, string | string[]>,
]
const check = (title: string, cases: Case[]) =>
  test(title, async () => {
    const wrong: string[] = []
    for (const [who, action, resource, expected, context] of cases) {
      const got = await decide(who, action, resource, context)
      assertions++
      const ok = expected === 'Denied' ? got !== 'Allowed' : got === expected
      if (!ok)
        wrong.push(
          `${who.label} ${action} ${resource} ${JSON.stringify(context ?? {})}: expected ${expected}, got ${got}`,
        )
    }
    assert.equal(wrong, [])
  })

const ref = (branch: string) => ({ 'codecommit:References': `refs/heads/${branch}` })

check('developers push staging and promotion branches, and open pull requests; never production', [
  [developer, 'codecommit:GitPull', REPO, 'Allowed'],
  [developer, 'codecommit:GitPush', REPO, 'Allowed', ref('staging')],
  [developer, 'codecommit:GitPush', REPO, 'Allowed', ref('promote/patient-api-1.15.0')],
  [developer, 'codecommit:GitPush', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:GitPush', REPO, 'ImplicitlyDenied', ref('feature/x')],
  [developer, 'codecommit:GitPush', REPO, 'ImplicitlyDenied', ref('promoted')],
  [developer, 'codecommit:CreatePullRequest', REPO, 'Allowed'],
  [developer, 'codecommit:MergePullRequestByFastForward', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:MergePullRequestByThreeWay', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:MergeBranchesBySquash', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:DeleteBranch', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:PutFile', REPO, 'ExplicitlyDenied', ref('production')],
  [developer, 'codecommit:UpdatePullRequestApprovalState', REPO, 'ImplicitlyDenied'],
])

const inArtifacts = (key: string) => `arn:aws:s3:::drsignet-production-artifacts/${key}`
check('developers read what ops promote checks (the deployed state, release manifests), nothing else there', [
  [developer, 's3:GetObject', inArtifacts('state/production/deployed.json'), 'Allowed'],
  [developer, 's3:GetObject', inArtifacts('releases/patient-api/1.15.0.json'), 'Allowed'],
  [developer, 's3:ListBucket', 'arn:aws:s3:::drsignet-production-artifacts', 'Allowed'],
  [developer, 'kms:Decrypt', KEY, 'Allowed', S3_VIA],
  [developer, 'kms:Decrypt', KEY, 'ImplicitlyDenied'],
  [developer, 's3:GetObject', inArtifacts('releases/patient-api/1.15.0.tgz'), 'ImplicitlyDenied'],
  [developer, 's3:GetObject', inArtifacts('bundles/production/patient-api/abc.tar.gz'), 'ImplicitlyDenied'],
  [
    developer,
    's3:GetObject',
    inArtifacts('audit/production/2026-12-02T00-00-00Z-patient-api-d-1.json'),
    'ImplicitlyDenied',
  ],
  [developer, 's3:GetObject', inArtifacts('state/staging/deployed.json'), 'ImplicitlyDenied'],
  [developer, 's3:PutObject', inArtifacts('releases/patient-api/1.15.0.json'), 'ImplicitlyDenied'],
  [
    developer,
    's3:GetObject',
    'arn:aws:s3:::drsignet-production-secrets/secrets/production/patient-api/.env',
    'ImplicitlyDenied',
  ],
])

check('managers review and merge into production', [
  [manager, 'codecommit:MergePullRequestBySquash', REPO, 'Allowed', ref('production')],
  [manager, 'codecommit:MergePullRequestByFastForward', REPO, 'Allowed', ref('production')],
  [manager, 'codecommit:UpdatePullRequestApprovalState', REPO, 'Allowed'],
  [manager, 'codecommit:GitPull', REPO, 'Allowed'],
  [manager, 'codecommit:GitPush', REPO, 'ImplicitlyDenied', ref('production')],
])

check('DeleteRepository: denied to everyone but the break-glass admin', [
  [breakGlass, 'codecommit:DeleteRepository', REPO, 'Allowed'],
  [developer, 'codecommit:DeleteRepository', REPO, 'ExplicitlyDenied'],
  [manager, 'codecommit:DeleteRepository', REPO, 'ExplicitlyDenied'],
  [applyBuild, 'codecommit:DeleteRepository', REPO, 'Denied'],
  [prBuild, 'codecommit:DeleteRepository', REPO, 'Denied'],
  [cfnRole, 'codecommit:DeleteRepository', REPO, 'Denied'],
  [pipeline, 'codecommit:DeleteRepository', REPO, 'Denied'],
  [apiInstance, 'codecommit:DeleteRepository', REPO, 'Denied'],
])

check('nobody but the admin role can stop or delete CloudTrail', [
  [breakGlass, 'cloudtrail:StopLogging', TRAIL, 'Allowed'],
  [cfnRole, 'cloudtrail:StopLogging', TRAIL, 'ExplicitlyDenied'],
  [cfnRole, 'cloudtrail:DeleteTrail', TRAIL, 'ExplicitlyDenied'],
  [applyBuild, 'cloudtrail:StopLogging', TRAIL, 'ExplicitlyDenied'],
  ...[developer, manager, prBuild, pipeline, events, codedeploy, apiInstance, dbInstance].map((who): Case => [
    who,
    'cloudtrail:StopLogging',
    TRAIL,
    'Denied',
  ]),
])

const secrets = (env: string, app: string, bucket = 'drsignet-production-secrets') =>
  `arn:aws:s3:::${bucket}/secrets/${env}/${app}/.env`
check("app instances read their own apps' secrets only", [
  [apiInstance, 's3:GetObject', secrets('production', 'patient-api'), 'Allowed'],
  [apiInstance, 's3:GetObject', secrets('production', 'doctor-api'), 'Allowed'],
  [apiInstance, 's3:GetObject', secrets('production', 'admin-portal'), 'ImplicitlyDenied'],
  [apiInstance, 's3:GetObject', secrets('staging', 'patient-api'), 'ImplicitlyDenied'],
  [apiInstance, 's3:GetObject', secrets('staging', 'patient-api', 'drsignet-staging-secrets'), 'ImplicitlyDenied'],
  [portalInstance, 's3:GetObject', secrets('production', 'admin-portal'), 'Allowed'],
  [portalInstance, 's3:GetObject', secrets('production', 'patient-api'), 'ImplicitlyDenied'],
  [
    apiInstance,
    's3:PutObject',
    secrets('production', 'patient-api'),
    'Denied',
    { 's3:x-amz-server-side-encryption': 'aws:kms' },
  ],
  [dbInstance, 's3:GetObject', secrets('production', 'patient-api'), 'ImplicitlyDenied'],
  [apiInstance, 's3:GetObject', 'arn:aws:s3:::drsignet-production-artifacts/patient-api/1.14.2.zip', 'Allowed'],
  [apiInstance, 's3:PutObject', 'arn:aws:s3:::drsignet-production-artifacts/patient-api/evil.zip', 'Denied'],
  [apiInstance, 'kms:Decrypt', KEY, 'Allowed', S3_VIA],
  [apiInstance, 'kms:Decrypt', KEY, 'ImplicitlyDenied'],
  [
    apiInstance,
    's3:GetObject',
    secrets('production', 'patient-api'),
    'ExplicitlyDenied',
    { 'aws:SecureTransport': 'false' },
  ],
])

const backup = (key: string) => `arn:aws:s3:::drsignet-production-backups/${key}`
const KMS_UPLOAD = { 's3:x-amz-server-side-encryption': 'aws:kms' }
check('the database role writes backups only under its prefix, only with SSE-KMS, and cannot delete them', [
  [dbInstance, 's3:PutObject', backup('backups/production/2026-11-24.archive.gz'), 'Allowed', KMS_UPLOAD],
  [dbInstance, 's3:PutObject', backup('backups/production/2026-11-24.archive.gz'), 'ExplicitlyDenied'],
  [
    dbInstance,
    's3:PutObject',
    backup('backups/production/2026-11-24.archive.gz'),
    'ExplicitlyDenied',
    { 's3:x-amz-server-side-encryption': 'AES256' },
  ],
  [dbInstance, 's3:PutObject', backup('backups/staging/2026-11-24.archive.gz'), 'ImplicitlyDenied', KMS_UPLOAD],
  [dbInstance, 's3:PutObject', backup('elsewhere/2026-11-24.archive.gz'), 'ImplicitlyDenied', KMS_UPLOAD],
  [dbInstance, 's3:DeleteObject', backup('backups/production/2026-11-24.archive.gz'), 'ImplicitlyDenied'],
  [dbInstance, 's3:DeleteObjectVersion', backup('backups/production/2026-11-24.archive.gz'), 'ImplicitlyDenied'],
  [dbInstance, 's3:GetObject', backup('backups/production/2026-11-24.archive.gz'), 'Allowed'],
  [
    dbInstance,
    's3:ListBucket',
    'arn:aws:s3:::drsignet-production-backups',
    'Allowed',
    { 's3:prefix': 'backups/production/' },
  ],
  [dbInstance, 's3:ListBucket', 'arn:aws:s3:::drsignet-production-backups', 'ImplicitlyDenied', { 's3:prefix': '' }],
  [dbInstance, 'kms:GenerateDataKey', KEY, 'Allowed', S3_VIA],
  [apiInstance, 's3:PutObject', backup('backups/production/x.gz'), 'ImplicitlyDenied', KMS_UPLOAD],
])

const tlsObject = (name: string) => `arn:aws:s3:::drsignet-production-secrets/secrets/production/mongo-tls/${name}`
check('the database CA: the database hosts make and read it; app hosts read its certificate, never its key', [
  [dbInstance, 's3:PutObject', tlsObject('ca.key'), 'Allowed', KMS_UPLOAD],
  [dbInstance, 's3:PutObject', tlsObject('ca.key'), 'ExplicitlyDenied'],
  [dbInstance, 's3:GetObject', tlsObject('ca.key'), 'Allowed'],
  [dbInstance, 'kms:GenerateDataKey', KEY, 'Allowed', S3_VIA],
  [dbInstance, 's3:PutObject', secrets('production', 'patient-api'), 'Denied', KMS_UPLOAD],
  [apiInstance, 's3:GetObject', tlsObject('ca.pem'), 'Allowed'],
  [portalInstance, 's3:GetObject', tlsObject('ca.pem'), 'Allowed'],
  [apiInstance, 's3:GetObject', tlsObject('ca.key'), 'ImplicitlyDenied'],
  [apiInstance, 's3:PutObject', tlsObject('ca.pem'), 'Denied', KMS_UPLOAD],
  [
    apiInstance,
    's3:ListBucket',
    'arn:aws:s3:::drsignet-production-secrets',
    'Allowed',
    { 's3:prefix': 'secrets/production/mongo-tls/ca.pem' },
  ],
  [
    apiInstance,
    's3:ListBucket',
    'arn:aws:s3:::drsignet-production-secrets',
    'ImplicitlyDenied',
    { 's3:prefix': 'secrets/production/' },
  ],
  [
    dbInstance,
    's3:ListBucket',
    'arn:aws:s3:::drsignet-production-secrets',
    'Allowed',
    { 's3:prefix': 'secrets/production/mongo-tls/ca.key' },
  ],
])

const ec2 = (kind: string, id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${kind}/${id}`
const DATA_VOLUME = ec2('volume', 'drsignet-production-database-DataVolume')
const ADDRESS = ec2('network-interface', 'drsignet-production-database-Address0')
const OWN = { 'aws:ResourceTag/Environment': 'production', 'aws:ResourceTag/InstanceGroup': 'database' }
check('the database role attaches its own data volume and address to its own instances, nothing else', [
  [dbInstance, 'ec2:AttachVolume', DATA_VOLUME, 'Allowed', OWN],
  [dbInstance, 'ec2:AttachVolume', ec2('instance', 'i-0123456789abcdef0'), 'Allowed', OWN],
  [
    dbInstance,
    'ec2:AttachVolume',
    ec2('instance', 'i-0123456789abcdef0'),
    'ImplicitlyDenied',
    { ...OWN, 'aws:ResourceTag/InstanceGroup': 'api' },
  ],
  [dbInstance, 'ec2:AttachVolume', ec2('volume', 'vol-0fedcba9876543210'), 'ImplicitlyDenied', OWN],
  [dbInstance, 'ec2:AttachNetworkInterface', ADDRESS, 'Allowed', OWN],
  [
    dbInstance,
    'ec2:AttachNetworkInterface',
    ec2('network-interface', 'eni-0fedcba9876543210'),
    'ImplicitlyDenied',
    OWN,
  ],
  [dbInstance, 'ec2:DetachVolume', DATA_VOLUME, 'ImplicitlyDenied', OWN],
  [dbInstance, 'ec2:DeleteVolume', DATA_VOLUME, 'ImplicitlyDenied', OWN],
  [
    dbInstance,
    'ec2:DeleteSnapshot',
    ec2('snapshot', 'snap-0123456789abcdef0').replace(`${ACCOUNT}:`, ':'),
    'ImplicitlyDenied',
  ],
  [
    dbInstance,
    'kms:CreateGrant',
    KEY,
    'Allowed',
    { 'kms:GrantIsForAWSResource': 'true', 'kms:ViaService': `ec2.${REGION}.amazonaws.com` },
  ],
  [
    dbInstance,
    'kms:CreateGrant',
    KEY,
    'ImplicitlyDenied',
    { 'kms:GrantIsForAWSResource': 'false', 'kms:ViaService': `ec2.${REGION}.amazonaws.com` },
  ],
  [apiInstance, 'ec2:AttachVolume', DATA_VOLUME, 'ImplicitlyDenied', OWN],
  [apiInstance, 'ec2:AttachNetworkInterface', ADDRESS, 'ImplicitlyDenied', OWN],
])

const secretKey = (key: string) => `arn:aws:s3:::drsignet-production-secrets/secrets/production/${key}`
check(
  "the database role reads the backup tool's revisions and keeps the users' passwords and connection strings under its own prefix, nothing of the apps'",
  [
    [dbInstance, 's3:GetObject', secretKey('database/users/patient-api'), 'Allowed'],
    [dbInstance, 's3:PutObject', secretKey('database/users/patient-api'), 'Allowed', KMS_UPLOAD],
    [dbInstance, 's3:PutObject', secretKey('database/users/patient-api'), 'ExplicitlyDenied'],
    [dbInstance, 's3:PutObject', secretKey('database/clients/patient-api.env'), 'Allowed', KMS_UPLOAD],
    [dbInstance, 's3:PutObject', secretKey('patient-api/mongodb.env'), 'ImplicitlyDenied', KMS_UPLOAD],
    [dbInstance, 's3:PutObject', secretKey('admin-portal/.env'), 'ImplicitlyDenied', KMS_UPLOAD],
    [dbInstance, 's3:GetObject', secrets('production', 'patient-api'), 'ImplicitlyDenied'],
    [dbInstance, 's3:PutObject', secrets('production', 'patient-api'), 'ImplicitlyDenied', KMS_UPLOAD],
    [
      dbInstance,
      's3:GetObject',
      'arn:aws:s3:::drsignet-production-secrets/secrets/staging/database/users/admin',
      'ImplicitlyDenied',
    ],
    [
      dbInstance,
      's3:ListBucket',
      'arn:aws:s3:::drsignet-production-secrets',
      'Allowed',
      { 's3:prefix': 'secrets/production/database/users/admin' },
    ],
    [
      dbInstance,
      's3:ListBucket',
      'arn:aws:s3:::drsignet-production-secrets',
      'ImplicitlyDenied',
      { 's3:prefix': 'secrets/production/' },
    ],
    [
      dbInstance,
      's3:GetObject',
      'arn:aws:s3:::drsignet-production-artifacts/bundles/production/backup/abc.tar.gz',
      'Allowed',
    ],
    [
      dbInstance,
      's3:GetObject',
      'arn:aws:s3:::drsignet-production-artifacts/bundles/production/patient-api/abc.tar.gz',
      'ImplicitlyDenied',
    ],
    [
      dbInstance,
      's3:GetObject',
      'arn:aws:s3:::drsignet-production-artifacts/state/production/deployed.json',
      'ImplicitlyDenied',
    ],
    // The apps read their own connection string, never another's, and never a database password.
    [apiInstance, 's3:GetObject', secretKey('database/clients/patient-api.env'), 'Allowed'],
    [portalInstance, 's3:GetObject', secretKey('database/clients/patient-api.env'), 'ImplicitlyDenied'],
    [portalInstance, 's3:GetObject', secretKey('database/clients/admin-portal.env'), 'Allowed'],
    [apiInstance, 's3:GetObject', secretKey('database/users/patient-api'), 'ImplicitlyDenied'],
    [apiInstance, 's3:GetObject', secretKey('database/users/admin'), 'ImplicitlyDenied'],
    [apiInstance, 's3:PutObject', secretKey('database/clients/patient-api.env'), 'ImplicitlyDenied', KMS_UPLOAD],
  ],
)

check('the CodeBuild roles cannot create IAM users or change their own policies', [
  [applyBuild, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/intruder`, 'ExplicitlyDenied'],
  [applyBuild, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/dev-alice`, 'ExplicitlyDenied'],
  [applyBuild, 'iam:PutRolePolicy', role('codebuild-apply'), 'ExplicitlyDenied'],
  [applyBuild, 'iam:AttachRolePolicy', role('codebuild-apply'), 'ExplicitlyDenied'],
  [applyBuild, 'iam:UpdateAssumeRolePolicy', role('codebuild-apply'), 'ExplicitlyDenied'],
  [
    applyBuild,
    'iam:PassRole',
    role('cloudformation'),
    'Allowed',
    { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  ],
  [
    applyBuild,
    'iam:PassRole',
    role('cloudformation'),
    'ImplicitlyDenied',
    { 'iam:PassedToService': 'ec2.amazonaws.com' },
  ],
  [
    applyBuild,
    'iam:PassRole',
    role('break-glass'),
    'ImplicitlyDenied',
    { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  ],
  [applyBuild, 'cloudformation:ExecuteChangeSet', stack('network'), 'Allowed'],
  [applyBuild, 'cloudformation:DeleteStack', stack('data'), 'ImplicitlyDenied'],
  // One DescribeStacks for the environment's fingerprints. (The public AMI parameters' ARNs have no account, which the
  // simulator cannot match to a resource type; only the account's own parameters are checked: still denied.)
  [applyBuild, 'cloudformation:DescribeStacks', '*', 'Allowed'],
  [
    applyBuild,
    'ssm:GetParameters',
    `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/drsignet/production/anything`,
    'ImplicitlyDenied',
  ],
  [prBuild, 'cloudformation:DescribeStacks', '*', 'Allowed'],
  // apply publishes the DORA keys, in their namespace only; the pull-request build publishes nothing.
  [applyBuild, 'cloudwatch:PutMetricData', '*', 'Allowed', { 'cloudwatch:namespace': 'DrSignet/Delivery' }],
  [applyBuild, 'cloudwatch:PutMetricData', '*', 'Denied', { 'cloudwatch:namespace': 'DrSignet/Backup' }],
  [prBuild, 'cloudwatch:PutMetricData', '*', 'Denied', { 'cloudwatch:namespace': 'DrSignet/Delivery' }],
  [
    prBuild,
    'ssm:GetParameters',
    `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/drsignet/production/anything`,
    'ImplicitlyDenied',
  ],
  [
    applyBuild,
    'codedeploy:CreateDeployment',
    `arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:drsignet-production/patient-api`,
    'Allowed',
  ],
  [
    applyBuild,
    'codedeploy:CreateDeployment',
    `arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:drsignet-production/backup`,
    'Allowed',
  ],
  [prBuild, 'cloudformation:CreateChangeSet', stack('network'), 'Allowed'],
  [prBuild, 'cloudformation:ExecuteChangeSet', stack('network'), 'ExplicitlyDenied'],
  [prBuild, 'iam:PutRolePolicy', role('codebuild-pr'), 'ImplicitlyDenied'],
])

// The pull request's own code runs only here: it may read the repository and write its log, and nothing that
// could forge a plan, read state or touch a stack.
const prTests = fromRole('codebuild-pr-tests')
check("the pull request's tests run with a role that can post, read and change nothing", [
  [prTests, 'codecommit:GitPull', REPO, 'Allowed'],
  [prTests, 'codecommit:PostCommentForPullRequest', REPO, 'ImplicitlyDenied'],
  [prTests, 'codecommit:GitPush', REPO, 'ImplicitlyDenied', ref('staging')],
  [
    prTests,
    's3:GetObject',
    'arn:aws:s3:::drsignet-production-artifacts/state/production/deployed.json',
    'ImplicitlyDenied',
  ],
  [prTests, 'cloudformation:CreateChangeSet', stack('network'), 'ImplicitlyDenied'],
  [
    prTests,
    'iam:PassRole',
    role('cloudformation'),
    'ImplicitlyDenied',
    { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  ],
  [prTests, 'kms:Decrypt', KEY, 'ImplicitlyDenied'],
  [
    prTests,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-pull-request`,
    'ImplicitlyDenied',
  ],
  [prBuild, 'codecommit:PostCommentForPullRequest', REPO, 'Allowed'],
  [
    events,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-pull-request-tests`,
    'Allowed',
  ],
])

const artifact = (key: string) => `arn:aws:s3:::drsignet-production-artifacts/${key}`
check('apply deletes only its lock; the pull-request build reads only the deployed state', [
  [applyBuild, 's3:DeleteObject', artifact('locks/production.json'), 'Allowed'],
  [applyBuild, 's3:DeleteObject', artifact('audit/production/2026-11-24T00-00-00Z.json'), 'Denied'],
  [applyBuild, 's3:DeleteObject', artifact('bundles/production/patient-api/abc.tar.gz'), 'Denied'],
  [prBuild, 's3:GetObject', artifact('state/production/deployed.json'), 'Allowed'],
  [prBuild, 's3:GetObject', artifact('bundles/production/patient-api/abc.tar.gz'), 'Denied'],
  [prBuild, 's3:PutObject', artifact('state/production/deployed.json'), 'Denied'],
  [prBuild, 's3:DeleteObject', artifact('locks/production.json'), 'Denied'],
])

const patientRelease = fromRole('release-patient-api')
const NEW_KEY = { ...KMS_UPLOAD, 's3:if-none-match': '*' }
const APP_REPO = (name: string) => `arn:aws:codecommit:${REGION}:${ACCOUNT}:drsignet-${name}`
check(
  "an app's release project publishes that app's releases and nothing else: no other app's, no secret, no deploy, no state",
  [
    [patientRelease, 's3:PutObject', artifact('releases/patient-api/2.0.0.tgz'), 'Allowed', NEW_KEY],
    // A write without If-None-Match could replace a published version: the app's own npm scripts hold this role.
    [patientRelease, 's3:PutObject', artifact('releases/patient-api/2.0.0.tgz'), 'ExplicitlyDenied', KMS_UPLOAD],
    [patientRelease, 's3:GetObject', artifact('releases/patient-api/2.0.0.json'), 'Allowed'],
    [patientRelease, 's3:PutObject', artifact('releases/doctor-api/2.0.0.tgz'), 'ImplicitlyDenied', NEW_KEY],
    [patientRelease, 's3:PutObject', artifact('releases/patient-api-evil/2.0.0.tgz'), 'ImplicitlyDenied', NEW_KEY],
    [patientRelease, 's3:DeleteObject', artifact('releases/patient-api/2.0.0.tgz'), 'ExplicitlyDenied'],
    [patientRelease, 's3:DeleteObjectVersion', artifact('releases/patient-api/2.0.0.tgz'), 'ExplicitlyDenied'],
    [patientRelease, 's3:PutObject', artifact('state/production/deployed.json'), 'ExplicitlyDenied', KMS_UPLOAD],
    [patientRelease, 's3:PutObject', artifact('locks/production.json'), 'ExplicitlyDenied', KMS_UPLOAD],
    [
      patientRelease,
      's3:PutObject',
      artifact('bundles/production/patient-api/abc.tar.gz'),
      'ExplicitlyDenied',
      KMS_UPLOAD,
    ],
    [patientRelease, 's3:GetObject', artifact('state/production/deployed.json'), 'ImplicitlyDenied'],
    [patientRelease, 's3:GetObject', secrets('production', 'patient-api'), 'ImplicitlyDenied'],
    [
      patientRelease,
      's3:ListBucket',
      'arn:aws:s3:::drsignet-production-artifacts',
      'Allowed',
      { 's3:prefix': 'releases/patient-api/' },
    ],
    [
      patientRelease,
      's3:ListBucket',
      'arn:aws:s3:::drsignet-production-artifacts',
      'ImplicitlyDenied',
      { 's3:prefix': 'state/' },
    ],
    [patientRelease, 'kms:GenerateDataKey', KEY, 'Allowed', S3_VIA],
    [patientRelease, 'kms:Decrypt', KEY, 'ImplicitlyDenied'],
    [
      patientRelease,
      'codedeploy:CreateDeployment',
      `arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:drsignet-production/patient-api`,
      'ImplicitlyDenied',
    ],
    [patientRelease, 'cloudformation:ExecuteChangeSet', stack('app-patient-api'), 'ImplicitlyDenied'],
    [patientRelease, 'codecommit:GitPull', APP_REPO('patient-api'), 'Allowed'],
    [patientRelease, 'codecommit:GitPull', REPO, 'Allowed'],
    [patientRelease, 'codecommit:GitPush', APP_REPO('patient-api'), 'ExplicitlyDenied'],
    [patientRelease, 'codecommit:GitPull', APP_REPO('doctor-api'), 'ImplicitlyDenied'],
    [
      patientRelease,
      'codebuild:StartBuild',
      `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-apply`,
      'Denied',
    ],
    [
      patientRelease,
      'iam:PassRole',
      role('codebuild-apply'),
      'Denied',
      { 'iam:PassedToService': 'codebuild.amazonaws.com' },
    ],
    [
      events,
      'codebuild:StartBuild',
      `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-release-patient-api`,
      'Allowed',
    ],
    // The boundary's exception is for the release roles: no other bounded role writes a release.
    [apiInstance, 's3:PutObject', artifact('releases/patient-api/2.0.0.tgz'), 'Denied', KMS_UPLOAD],
    [dbInstance, 's3:PutObject', artifact('releases/patient-api/2.0.0.tgz'), 'Denied', KMS_UPLOAD],
  ],
)

check('the CloudFormation execution role manages project roles, never users or the pipeline roles', [
  [cfnRole, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/intruder`, 'ExplicitlyDenied'],
  [cfnRole, 'iam:CreateLoginProfile', `arn:aws:iam::${ACCOUNT}:user/dev-alice`, 'ExplicitlyDenied'],
  [
    cfnRole,
    'wafv2:CreateWebACL',
    `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/drsignet-production-alb/0f1e2d3c`,
    'Allowed',
  ],
  [
    cfnRole,
    'wafv2:AssociateWebACL',
    `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/drsignet-production/50dc6c495c0c9188`,
    'Allowed',
  ],
  [
    cfnRole,
    'wafv2:DeleteWebACL',
    `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/another-teams-acl/0f1e2d3c`,
    'ImplicitlyDenied',
  ],
  [
    cfnRole,
    'wafv2:DisassociateWebACL',
    `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/another-alb/50dc6c495c0c9188`,
    'ImplicitlyDenied',
  ],
  [cfnRole, 'iam:CreateRole', role('api-instance'), 'Allowed', BOUNDED],
  [cfnRole, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/someone-elses-role`, 'ImplicitlyDenied', BOUNDED],
  [cfnRole, 'iam:PutRolePolicy', role('codebuild-apply'), 'ExplicitlyDenied', BOUNDED],
  [cfnRole, 'iam:PutRolePolicy', role('cloudformation'), 'ExplicitlyDenied', BOUNDED],
  [cfnRole, 'iam:PutRolePolicy', role('api-instance'), 'Allowed', BOUNDED],
  [cfnRole, 'iam:PassRole', role('codebuild-apply'), 'Allowed', { 'iam:PassedToService': 'codebuild.amazonaws.com' }],
  [
    cfnRole,
    'iam:PassRole',
    role('cloudformation'),
    'ExplicitlyDenied',
    { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  ],
  [cfnRole, 'iam:PassRole', role('break-glass'), 'ExplicitlyDenied', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  [cfnRole, 's3:GetObject', secrets('production', 'patient-api'), 'ImplicitlyDenied'],
])

// The stacks' role may build the environment, not an administrator: every role it makes or changes
// carries the boundary, and the trust roots (trail, key policy, public access, groups) stay out of reach.
const OTHER_BOUNDARY = { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/wide-open` }
const managed = (name: string) => ({ ...BOUNDED, 'iam:PolicyARN': `arn:aws:iam::aws:policy/${name}` })
const bucket = (name: string) => `arn:aws:s3:::${name}`
const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-7777-6666-555555555555`
check('the CloudFormation role cannot make an administrator, silence the trail, or open data', [
  [cfnRole, 'iam:CreateRole', role('api-instance'), 'ImplicitlyDenied'],
  [cfnRole, 'iam:CreateRole', role('api-instance'), 'ImplicitlyDenied', OTHER_BOUNDARY],
  [cfnRole, 'iam:PutRolePolicy', role('api-instance'), 'ImplicitlyDenied', OTHER_BOUNDARY],
  [cfnRole, 'iam:DeleteRolePermissionsBoundary', role('api-instance'), 'ExplicitlyDenied', BOUNDED],
  [cfnRole, 'iam:PutRolePermissionsBoundary', role('api-instance'), 'ImplicitlyDenied', OTHER_BOUNDARY],
  [cfnRole, 'iam:CreatePolicyVersion', BOUNDARY, 'ExplicitlyDenied'],
  [cfnRole, 'iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy/drsignet-production-wide-open`, 'ExplicitlyDenied'],
  [cfnRole, 'iam:AttachRolePolicy', role('api-instance'), 'Allowed', managed('AmazonSSMManagedInstanceCore')],
  [cfnRole, 'iam:AttachRolePolicy', role('api-instance'), 'ExplicitlyDenied', managed('AdministratorAccess')],
  [cfnRole, 'iam:AttachRolePolicy', role('api-instance'), 'ExplicitlyDenied', managed('IAMFullAccess')],
  [cfnRole, 'iam:AttachRolePolicy', role('api-instance'), 'ImplicitlyDenied', managed('AmazonS3FullAccess')],
  [cfnRole, 'iam:PutGroupPolicy', `arn:aws:iam::${ACCOUNT}:group/drsignet-production-managers`, 'ExplicitlyDenied'],
  [cfnRole, 'cloudtrail:StopLogging', TRAIL, 'ExplicitlyDenied'],
  [cfnRole, 'cloudtrail:UpdateTrail', TRAIL, 'ExplicitlyDenied'],
  [cfnRole, 'cloudtrail:PutEventSelectors', TRAIL, 'ExplicitlyDenied'],
  [cfnRole, 'cloudtrail:CreateTrail', TRAIL, 'Allowed'],
  [cfnRole, 's3:PutBucketPolicy', bucket('drsignet-production-logs'), 'ExplicitlyDenied'],
  [cfnRole, 's3:DeleteBucket', bucket('drsignet-production-logs'), 'ExplicitlyDenied'],
  [cfnRole, 'kms:PutKeyPolicy', KEY, 'ExplicitlyDenied'],
  [cfnRole, 'kms:PutKeyPolicy', OTHER_KEY, 'ExplicitlyDenied'],
  [cfnRole, 'kms:ScheduleKeyDeletion', KEY, 'ExplicitlyDenied'],
  [cfnRole, 'kms:Decrypt', OTHER_KEY, 'ImplicitlyDenied'],
  [cfnRole, 'kms:CreateGrant', KEY, 'ImplicitlyDenied', { 'kms:GrantIsForAWSResource': 'false' }],
  [cfnRole, 's3:PutBucketPublicAccessBlock', bucket('drsignet-production-secrets'), 'ExplicitlyDenied'],
  [cfnRole, 's3:PutBucketAcl', bucket('drsignet-production-backups'), 'ExplicitlyDenied'],
  [cfnRole, 's3:PutAccountPublicAccessBlock', '*', 'ExplicitlyDenied'],
  [cfnRole, 's3:PutBucketPolicy', bucket('drsignet-production-secrets'), 'Allowed'],
  [cfnRole, 's3:PutBucketPolicy', bucket('someone-elses-bucket'), 'ImplicitlyDenied'],
  [cfnRole, 's3:PutLifecycleConfiguration', bucket('drsignet-production-backups'), 'Allowed'],
  [
    cfnRole,
    'ec2:ModifySnapshotAttribute',
    `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`,
    'ExplicitlyDenied',
  ],
  [cfnRole, 'ec2:CreateVpc', `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/*`, 'Allowed'],
  [
    cfnRole,
    'autoscaling:PutScalingPolicy',
    `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/drsignet-production-api`,
    'Allowed',
  ],
  [
    cfnRole,
    'autoscaling:PutScalingPolicy',
    `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/another-team`,
    'ImplicitlyDenied',
  ],
  [
    cfnRole,
    'autoscaling:StartInstanceRefresh',
    `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/drsignet-production-api`,
    'Allowed',
  ],
  [
    cfnRole,
    'autoscaling:StartInstanceRefresh',
    `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/another-team`,
    'ImplicitlyDenied',
  ],
  [cfnRole, 'ec2:CreateVpc', `arn:aws:ec2:us-west-2:${ACCOUNT}:vpc/*`, 'ImplicitlyDenied'],
  [cfnRole, 'config:StopConfigurationRecorder', '*', 'ExplicitlyDenied'],
  [cfnRole, 'sns:DeleteTopic', `arn:aws:sns:${REGION}:${ACCOUNT}:another-teams-topic`, 'ImplicitlyDenied'],
  [cfnRole, 'logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/other/app:*`, 'ImplicitlyDenied'],
])

// The boundary is what holds if a template change gives a role too much: a role with everything
// in its own policy still stops at it.
const widened: Who = {
  ...apiInstance,
  label: 'api-instance widened',
  principal: {
    ...apiInstance.principal,
    policies: [
      {
        name: 'everything',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    ],
  },
}
test('every role the stacks create carries the boundary; only the trust roots do not', () => {
  const unbounded = [...deployed.roles.entries()].filter(([, p]) => p.boundary?.name !== BOUNDARY).map(([name]) => name)
  assert.equal(
    unbounded.sort(),
    ['break-glass', 'cloudformation', 'codebuild-apply', 'codebuild-pr', 'codebuild-pr-tests'].map(
      (r) => `drsignet-production-${r}`,
    ),
  )
})
check('the boundary holds for a role whose own policy allows everything', [
  [widened, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/intruder`, 'ImplicitlyDenied'],
  [widened, 'iam:AttachRolePolicy', role('api-instance'), 'ImplicitlyDenied', managed('AdministratorAccess')],
  [widened, 'sts:AssumeRole', role('cloudformation'), 'ExplicitlyDenied'],
  [
    widened,
    'iam:PassRole',
    role('cloudformation'),
    'ExplicitlyDenied',
    { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  ],
  [widened, 'cloudtrail:StopLogging', TRAIL, 'ExplicitlyDenied'],
  [widened, 'kms:PutKeyPolicy', KEY, 'ExplicitlyDenied'],
  [widened, 's3:PutBucketPolicy', bucket('drsignet-production-secrets'), 'ExplicitlyDenied'],
  [widened, 's3:GetObject', secrets('production', 'patient-api'), 'Allowed'],
  // Nor through the pipeline: a stack update reuses the stack's role, a build runs as CodeBuild's, a push or a
  // comment decides what the manager sees, an artifact is what apply deploys.
  [widened, 'cloudformation:UpdateStack', stack('pipeline'), 'ImplicitlyDenied'],
  [
    widened,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-apply`,
    'ExplicitlyDenied',
  ],
  [
    widened,
    'codebuild:UpdateProject',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-pull-request`,
    'ExplicitlyDenied',
  ],
  [widened, 'codecommit:GitPush', REPO, 'ExplicitlyDenied', ref('production')],
  [widened, 'codecommit:PostCommentForPullRequest', REPO, 'ExplicitlyDenied'],
  [widened, 'codecommit:DisassociateApprovalRuleTemplateFromRepository', REPO, 'ExplicitlyDenied'],
  [
    widened,
    's3:PutObject',
    'arn:aws:s3:::drsignet-production-artifacts/bundles/production/patient-api/evil.tar.gz',
    'ExplicitlyDenied',
    KMS_UPLOAD,
  ],
  [widened, 'iam:UpdateAccountPasswordPolicy', '*', 'ImplicitlyDenied'],
  [widened, 'iam:GetRole', role('api-instance'), 'Allowed'],
])

check('what the bounded plumbing roles still do under the boundary', [
  [
    events,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-pull-request`,
    'Allowed',
  ],
  [
    pipeline,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-apply`,
    'Allowed',
  ],
  [pipeline, 's3:PutObject', 'arn:aws:s3:::drsignet-production-artifacts/pipeline/source.zip', 'Allowed'],
  [fromRole('account-settings'), 'iam:UpdateAccountPasswordPolicy', '*', 'Allowed'],
  [fromRole('account-settings'), 'codecommit:AssociateApprovalRuleTemplateWithRepository', REPO, 'Allowed'],
])

check('pipeline plumbing reaches only its own pieces', [
  [
    pipeline,
    'codebuild:StartBuild',
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/drsignet-production-apply`,
    'Allowed',
  ],
  [pipeline, 'codebuild:StartBuild', `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/other`, 'ImplicitlyDenied'],
  [pipeline, 'codecommit:GetBranch', REPO, 'Allowed'],
  [pipeline, 'codecommit:GitPush', REPO, 'Denied', ref('production')],
  [
    events,
    'codepipeline:StartPipelineExecution',
    `arn:aws:codepipeline:${REGION}:${ACCOUNT}:drsignet-production`,
    'Allowed',
  ],
  [codedeploy, 'sns:Publish', `arn:aws:sns:${REGION}:${ACCOUNT}:drsignet-production-deployments`, 'Allowed'],
])

test.after(() => {
  console.log(`IAM matrix: ${assertions} allow/deny assertions`)
  assert.ok(assertions >= 30)
})
test.run()
