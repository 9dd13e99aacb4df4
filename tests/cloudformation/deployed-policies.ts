// Resolves every stack of a Model as if deployed in order (exports feed imports) and collects the IAM
// policies each role, group and bucket would get; pure apart from reading the templates once.
import { Resolver } from './resolve.ts'
import type { Template } from '../../scripts/lib/cloudformation/read-template.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import type { Model } from '../../scripts/lib/config/model.ts'
import { AWS_MANAGED_POLICIES } from './aws-managed-policies.ts'

export type Policy = { Version: string; Statement: unknown[] }
export type Principal = {
  arn: string
  policies: { name: string; policy: Policy }[]
  boundary?: { name: string; policy: Policy }
}

export type Deployed = {
  roles: Map<string, Principal>
  groups: Map<string, Principal>
  bucketPolicies: Map<string, Policy>
  exports: Map<string, string>
  keyArn: string
  keyPolicy?: Policy
  /** Customer managed policies by ARN (the permissions boundary). */
  managedPolicies: Map<string, Policy>
}

export function deployPolicies(model: Model, templates: Record<string, Template>): Deployed {
  const { account, region } = model.env
  const keyArn = `arn:aws:kms:${region}:${account}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`
  const exports = new Map<string, string>()
  const roles = new Map<string, Principal>()
  const groups = new Map<string, Principal>()
  const bucketPolicies = new Map<string, Policy>()
  const managedPolicies = new Map<string, Policy>()
  let keyPolicy: Policy | undefined

  for (const stack of stackInstances(model)) {
    const template = templates[stack.template]
    const nameProps: Record<string, string> = {
      'AWS::IAM::Role': 'RoleName',
      'AWS::IAM::Group': 'GroupName',
      'AWS::CodeCommit::Repository': 'RepositoryName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::CodeBuild::Project': 'Name',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::CodePipeline::Pipeline': 'Name',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::CloudTrail::Trail': 'TrailName',
      'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
      'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
    }
    // Physical names: the template's own name property when set, else the stack-generated one.
    const physical = (id: string): string => {
      const res = template.Resources[id]
      const prop = nameProps[res.Type]
      const given = prop ? res.Properties?.[prop] : undefined
      return given === undefined ? `${stack.stack}-${id}` : String(resolver.resolve(given))
    }
    const arnOf = (id: string): string => {
      const type = template.Resources[id].Type
      const name = physical(id)
      switch (type) {
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${account}:role/${name}`
        case 'AWS::IAM::ManagedPolicy':
          return `arn:aws:iam::${account}:policy/${name}`
        case 'AWS::KMS::Key':
          return keyArn
        case 'AWS::CodeCommit::Repository':
          return `arn:aws:codecommit:${region}:${account}:${name}`
        case 'AWS::Logs::LogGroup':
          return `arn:aws:logs:${region}:${account}:log-group:${name}:*`
        case 'AWS::S3::Bucket':
          return `arn:aws:s3:::${name}`
        case 'AWS::CodeBuild::Project':
          return `arn:aws:codebuild:${region}:${account}:project/${name}`
        case 'AWS::Lambda::Function':
          return `arn:aws:lambda:${region}:${account}:function:${name}`
        case 'AWS::SNS::Topic':
          return `arn:aws:sns:${region}:${account}:${name}`
        default:
          return `arn:aws:${type.split('::')[1].toLowerCase()}:${region}:${account}:${name}`
      }
    }
    const resolver: Resolver = new Resolver({
      template,
      parameters: stack.parameters,
      accountId: account,
      region,
      stackName: stack.stack,
      importValue: (name) => {
        const v = exports.get(name)
        if (v === undefined) throw new Error(`${stack.stack} imports ${name}, which no earlier stack exports`)
        return v
      },
      ref: (id) => {
        const type = template.Resources[id].Type
        return type === 'AWS::SNS::Topic' || type === 'AWS::KMS::Key' || type === 'AWS::IAM::ManagedPolicy'
          ? arnOf(id)
          : physical(id)
      },
      getAtt: (id, attr) =>
        attr === 'Arn' ? arnOf(id) : attr === 'Name' || attr === 'TopicName' ? physical(id) : `${physical(id)}.${attr}`,
    })

    for (const [id, res] of Object.entries(resolver.resources())) {
      const p = res.Properties as Record<string, any>
      const inline = (list: any[] | undefined) =>
        (list ?? []).map((x) => ({ name: String(x.PolicyName), policy: x.PolicyDocument as Policy }))
      if (res.Type === 'AWS::IAM::Role') {
        const name = physical(id)
        const managed = (p.ManagedPolicyArns ?? []).map((arn: string) => {
          const policy = AWS_MANAGED_POLICIES[arn.replace(/^arn:aws:iam::aws:policy\//, '')]
          if (!policy) throw new Error(`no copy of managed policy ${arn}`)
          return { name: arn, policy }
        })
        const boundaryArn = p.PermissionsBoundary === undefined ? undefined : String(p.PermissionsBoundary)
        const boundary = boundaryArn === undefined ? undefined : managedPolicies.get(boundaryArn)
        if (boundaryArn !== undefined && !boundary)
          throw new Error(`${stack.stack}/${id}: boundary ${boundaryArn} is no managed policy of an earlier stack`)
        roles.set(name, {
          arn: arnOf(id),
          policies: [...inline(p.Policies), ...managed],
          boundary: boundary && { name: boundaryArn!, policy: boundary },
        })
      } else if (res.Type === 'AWS::IAM::RolePolicy') {
        const role = roles.get(String(p.RoleName))
        if (!role) throw new Error(`${stack.stack}/${id} attaches to unknown role ${p.RoleName}`)
        role.policies.push({ name: String(p.PolicyName), policy: p.PolicyDocument })
      } else if (res.Type === 'AWS::IAM::Group') {
        groups.set(physical(id), { arn: `arn:aws:iam::${account}:group/${physical(id)}`, policies: inline(p.Policies) })
      } else if (res.Type === 'AWS::KMS::Key') {
        keyPolicy = p.KeyPolicy
      } else if (res.Type === 'AWS::IAM::ManagedPolicy') {
        managedPolicies.set(arnOf(id), p.PolicyDocument)
      } else if (res.Type === 'AWS::S3::BucketPolicy') {
        bucketPolicies.set(String(p.Bucket), p.PolicyDocument)
      }
    }
    for (const out of Object.values(template.Outputs ?? {})) {
      if (out.Export) exports.set(String(resolver.resolve(out.Export.Name)), String(resolver.resolve(out.Value)))
    }
  }
  return { roles, groups, bucketPolicies, exports, keyArn, keyPolicy, managedPolicies }
}
