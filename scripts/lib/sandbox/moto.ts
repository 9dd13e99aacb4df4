// moto (AWS in one process, on loopback) as the sandbox and the apply tests use it: started detached so it outlives
// the command that started it, the credentials that reach it alone, and what its CloudFormation and CodeDeploy lack,
// said in one place: the templates it cannot create, a certificate from its ACM, the CodeDeploy application and
// deployment groups those templates would make (I/O: a process, moto's API).
import { spawn } from 'node:child_process'
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { announcedPort } from '../deploy-local/free-port.ts'
import { quietTry } from '../shell.ts'
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy'
import type { Model } from '../config/model.ts'
import type { PlannedStack } from '../apply/stacks.ts'
import { codeDeployApplication } from '../names.ts'
import { BACKUP_AGENT } from '../render/backup-paths.ts'

/** Credentials and endpoint that make the AWS SDK (and the CLI) talk to this moto only. */
export const motoEnv = (endpoint: string, region = 'ap-south-1'): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_EC2_METADATA_DISABLED: 'true',
})

/**
 * What a hook's AWS calls and its npm ci get in place of the instance role and a registry (deployRevision's passEnv):
 * this moto, and this machine's npm cache read offline, since an instance namespace has no route to a registry.
 */
export function instanceRoleEnv(endpoint: string, region: string): Record<string, string> {
  const npmCache = quietTry`npm config get cache`.stdout.trim()
  return { ...motoEnv(endpoint, region), npm_config_cache: npmCache, npm_config_offline: 'true' }
}

/** What moto_server (werkzeug) prints once it has bound its port: ` * Running on http://127.0.0.1:PORT`. */
export const MOTO_LISTENING = /^ \* Running on http:\/\/127\.0\.0\.1:(\d+)\r?\n/m

/**
 * moto_server on a port of 127.0.0.1 that it picks itself (see announcedPort), in a session of its own so it outlives
 * this process; every caller is in `account` (MOTO_ACCOUNT_ID), so the commands' account guard sees the environment's
 * own. Resolves once moto answers on the port its log names.
 */
export async function startMotoDaemon(opts: { bin: string; account: string; log: string }) {
  const out = openSync(opts.log, 'a')
  // The log may hold an earlier run's lines: only what this moto writes counts.
  const from = fstatSync(out).size
  const child = spawn(opts.bin, ['-H', '127.0.0.1', '-p', '0'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', MOTO_ACCOUNT_ID: opts.account },
  })
  child.unref()
  closeSync(out)
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}; see ${opts.log}`)
    const port = announcedPort(readFileSync(opts.log).subarray(from).toString('utf8'), MOTO_LISTENING)
    const endpoint = `http://127.0.0.1:${port}`
    if (
      port &&
      (await fetch(`${endpoint}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return { pid: child.pid!, endpoint }
    if (Date.now() > deadline) {
      process.kill(child.pid!, 'SIGTERM')
      throw new Error(
        `moto_server did not answer ${port ? `on ${endpoint}` : 'or name its port'} within 30 s; see ${opts.log}`,
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

// Found by trying (and by tests/integration/cloudformation): moto's CloudFormation has no CloudWatch alarms, no CodeDeploy
// deployment groups (app.yaml, backup-agent.yaml), no CodeCommit/CodeBuild/CodePipeline, no Config or SSM patching, and needs an ImageId on vpn's instance.
export const MOTO_UNSUPPORTED: Record<string, string> = {
  'alarm.yaml': 'AWS::CloudWatch::Alarm',
  'target-alarm.yaml': 'AWS::CloudWatch::Alarm',
  'vpn.yaml': 'AWS::EC2::Instance from an SSM image parameter',
  'app.yaml': 'AWS::CodeDeploy::DeploymentGroup',
  'backup-agent.yaml': 'AWS::CodeDeploy::DeploymentGroup',
  'repositories.yaml': 'AWS::CodeCommit::Repository',
  'pipeline.yaml': 'AWS::CodePipeline::Pipeline',
  'release.yaml': 'AWS::CodeBuild::Project',
  'governance.yaml': 'AWS::Config::* and AWS::SSM::MaintenanceWindow',
}
export const motoSkip = (s: PlannedStack) =>
  MOTO_UNSUPPORTED[s.template] ? `moto's CloudFormation cannot create ${MOTO_UNSUPPORTED[s.template]}` : undefined

/** The load balancer stack needs a certificate moto knows: ask moto's ACM for one (JSON protocol, unsigned). */
export async function motoCertificate(endpoint: string, domain: string): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'CertificateManager.RequestCertificate',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/ap-south-1/acm/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ DomainName: domain }),
  })
  return ((await res.json()) as { CertificateArn: string }).CertificateArn
}

/** What deploy.yaml's Application (which moto skips), each app.yaml's deployment group and backup-agent.yaml's would create. */
export async function createDeploymentGroups(model: Model) {
  const cd = new CodeDeployClient({ region: model.env.region })
  const applicationName = codeDeployApplication(model.env.name)
  const group = (deploymentGroupName: string, traffic: boolean) =>
    cd.send(
      new CreateDeploymentGroupCommand({
        applicationName,
        deploymentGroupName,
        serviceRoleArn: `arn:aws:iam::${model.env.account}:role/codedeploy`,
        deploymentConfigName: model.env.deployment.config,
        deploymentStyle: {
          deploymentType: 'IN_PLACE',
          deploymentOption: traffic ? 'WITH_TRAFFIC_CONTROL' : 'WITHOUT_TRAFFIC_CONTROL',
        },
      }),
    )
  await cd.send(new CreateApplicationCommand({ applicationName, computePlatform: 'Server' }))
  for (const app of model.apps) await group(app.name, true)
  await group(BACKUP_AGENT, false)
}
