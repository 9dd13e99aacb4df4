// promote APP --from ENV --to ENV: a pull request that moves the version ENV runs (and tested) to the next
// environment; never a push to the protected branch (I/O: STS, S3 and CodeCommit in both accounts, git).
import { resolve } from 'node:path'
import { CodeCommitClient } from '@aws-sdk/client-codecommit'
import { parseCommand } from '../lib/cli/args.ts'
import { UsageError } from '../lib/cli/errors.ts'
import { readModel } from '../lib/config/read.ts'
import { awsClients, clientConfig } from '../lib/aws/clients.ts'
import { s3ArtifactStore } from '../lib/aws/artifact-store.ts'
import { codeCommitPullRequests } from '../lib/aws/pull-requests.ts'
import { progress } from './wiring/aws.ts'
import { runPromote, type Side } from '../lib/promote/run-promote.ts'

export const summary = 'open the pull request that moves a tested app version to the next environment'
const usage =
  'promote APP --from ENV --to ENV [--from-profile NAME] [--to-profile NAME] [--remote NAME] [--allow-downgrade] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      'from-profile': { type: 'string' },
      'to-profile': { type: 'string' },
      remote: { type: 'string' },
      'allow-downgrade': { type: 'boolean' },
    },
    { min: 1, max: 1 },
  )
  if (values.help)
    return (
      console.log(
        `usage: ${usage}\nThe two environments live in two accounts: --from-profile and --to-profile name a profile for each (default: the current credentials).`,
      ),
      0
    )
  const [from, to] = [values.from, values.to] as [string | undefined, string | undefined]
  if (!from || !to) throw new UsageError(`--from and --to name the two environments\nusage: ${usage}`)
  if (from === to)
    throw new UsageError(
      `--from and --to are both ${from}: a promotion moves a version between two environments\nusage: ${usage}`,
    )
  const root = resolve(values.root ?? '.')
  const side = (env: string, profile: string | undefined): Side & { region: string; profile?: string } => {
    const model = readModel(root, env)
    const clients = awsClients(model.env.region, profile)
    return {
      model,
      sts: clients.sts,
      store: s3ArtifactStore(clients.s3, model.env.buckets.artifacts, model.env.kms.keyAlias),
      region: model.env.region,
      profile,
    }
  }
  const source = side(from, values['from-profile'] as string | undefined)
  const target = side(to, values['to-profile'] as string | undefined)
  const r = await runPromote({
    app: positionals[0]!,
    from: source,
    to: target,
    root,
    remote: (values.remote as string | undefined) ?? 'origin',
    log: progress,
    allowDowngrade: !!values['allow-downgrade'],
    pullRequests: codeCommitPullRequests(new CodeCommitClient(clientConfig(target.region, target.profile))),
  })
  console.log(
    r.kind === 'opened'
      ? `promote ${positionals[0]} ${r.version}: pull request ${r.pullRequest} (${r.branch} into ${target.model.env.branch})`
      : `promote ${positionals[0]}: nothing to do: ${r.why}`,
  )
  return 0
}
