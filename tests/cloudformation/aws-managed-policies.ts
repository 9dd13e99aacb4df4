// Copies of the AWS managed policies the templates attach, so simulations see the whole grant; no I/O.
// Reproduced from AWS's published managed policies, abbreviated where marked; the matrix relies only on
// their granting no S3 object, KMS key, IAM or CodeCommit access, which holds for the real ones too.
import type { Policy } from './deployed-policies.ts'

export const AWS_MANAGED_POLICIES: Record<string, Policy> = {
  AmazonSSMManagedInstanceCore: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'ssm:DescribeAssociation',
          'ssm:GetDeployablePatchSnapshotForInstance',
          'ssm:GetDocument',
          'ssm:DescribeDocument',
          'ssm:GetManifest',
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:ListAssociations',
          'ssm:ListInstanceAssociations',
          'ssm:PutInventory',
          'ssm:PutComplianceItems',
          'ssm:PutConfigurePackageResult',
          'ssm:UpdateAssociationStatus',
          'ssm:UpdateInstanceAssociationStatus',
          'ssm:UpdateInstanceInformation',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'ssmmessages:CreateControlChannel',
          'ssmmessages:CreateDataChannel',
          'ssmmessages:OpenControlChannel',
          'ssmmessages:OpenDataChannel',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'ec2messages:AcknowledgeMessage',
          'ec2messages:DeleteMessage',
          'ec2messages:FailMessage',
          'ec2messages:GetEndpoint',
          'ec2messages:GetMessages',
          'ec2messages:SendReply',
        ],
        Resource: '*',
      },
    ],
  },
  CloudWatchAgentServerPolicy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'cloudwatch:PutMetricData',
          'ec2:DescribeVolumes',
          'ec2:DescribeTags',
          'logs:PutLogEvents',
          'logs:PutRetentionPolicy',
          'logs:DescribeLogStreams',
          'logs:DescribeLogGroups',
          'logs:CreateLogStream',
          'logs:CreateLogGroup',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
          'xray:GetSamplingStatisticSummaries',
        ],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: 'arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*' },
    ],
  },
  // Abbreviated: its EC2 snapshot actions and its own EventBridge rules.
  'service-role/AWSDataLifecycleManagerServiceRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'ec2:CreateSnapshot',
          'ec2:CreateSnapshots',
          'ec2:DeleteSnapshot',
          'ec2:DescribeInstances',
          'ec2:DescribeVolumes',
          'ec2:DescribeSnapshots',
          'ec2:EnableFastSnapshotRestores',
          'ec2:DescribeFastSnapshotRestores',
          'ec2:DisableFastSnapshotRestores',
          'ec2:CopySnapshot',
          'ec2:ModifySnapshotAttribute',
          'ec2:DescribeSnapshotAttribute',
          'ec2:ModifySnapshotTier',
          'ec2:DescribeSnapshotTierStatus',
        ],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: 'arn:aws:ec2:*::snapshot/*' },
      {
        Effect: 'Allow',
        Action: [
          'events:PutRule',
          'events:DeleteRule',
          'events:DescribeRule',
          'events:EnableRule',
          'events:DisableRule',
          'events:ListTargetsByRule',
          'events:PutTargets',
          'events:RemoveTargets',
        ],
        Resource: 'arn:aws:events:*:*:rule/AwsDataLifecycleRule.managed-cwe.*',
      },
    ],
  },
  'service-role/AWSCodeDeployRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'autoscaling:CompleteLifecycleAction',
          'autoscaling:DeleteLifecycleHook',
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeLifecycleHooks',
          'autoscaling:PutLifecycleHook',
          'autoscaling:RecordLifecycleActionHeartbeat',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'tag:GetResources',
          'sns:Publish',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:PutMetricAlarm',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeInstanceHealth',
          'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
          'elasticloadbalancing:DeregisterInstancesFromLoadBalancer',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:RegisterTargets',
          'elasticloadbalancing:DeregisterTargets',
        ],
        Resource: '*',
      },
    ],
  },
  'service-role/AWS_ConfigRole': {
    Version: '2012-10-17',
    // Read-only configuration APIs across services; abbreviated to the families relevant to the matrix.
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'config:Put*',
          'config:Get*',
          'config:Describe*',
          'ec2:Describe*',
          's3:GetBucketPolicy',
          's3:GetBucketAcl',
          'iam:GetRole',
          'iam:ListRoles',
          'cloudtrail:DescribeTrails',
          'cloudtrail:GetTrailStatus',
        ],
        Resource: '*',
      },
    ],
  },
}
