// promote: moves the version an environment runs, and tested, to the next one, as a branch and a pull request into
// the next environment's protected branch; the manager's approval stays the only gate (I/O through its inputs).
import { parse } from 'yaml'
import type { STSClient } from '@aws-sdk/client-sts'
import type { Model } from '../config/model.ts'
import { readModel } from '../config/read.ts'
import { InputError } from '../cli/errors.ts'
import type { ArtifactStore } from '../aws/artifact-store.ts'
import { callerInAccount } from '../aws/identity.ts'
import type { PullRequests } from '../aws/pull-requests.ts'
import { readState } from '../apply/state.ts'
import { findManifest } from '../release/publish.ts'
import { decidePromotion } from './decide.ts'
import { fetchBranch, pushPromotion, showFile } from './branch.ts'
import { setAppVersion } from './version-edit.ts'

/** One environment as promote sees it: its model, and credentials for its own account. */
export type Side = { model: Model; sts: STSClient; store: ArtifactStore }

export type PromoteInputs = {
  app: string
  from: Side
  to: Side
  root: string
  remote: string
  pullRequests: PullRequests
  log: (line: string) => void
  allowDowngrade?: boolean
}

export type Promoted =
  | { kind: 'opened'; pullRequest: string; branch: string; version: string; commit: string }
  | { kind: 'nothing'; why: string }

const envFile = (env: string) => `environments/${env}.yaml`

function yamlVersion(text: string, env: string, app: string): string {
  const version = (parse(text) as { apps?: Record<string, { version?: unknown }> } | null)?.apps?.[app]?.version
  if (typeof version !== 'string')
    throw new InputError(
      `${envFile(env)}: apps.${app}.version not found on ${env}'s branch; the app must already run there`,
    )
  return version
}

export async function runPromote(i: PromoteInputs): Promise<Promoted> {
  const { app, from, to, log } = i
  const [source, target] = [from.model.env, to.model.env]
  for (const side of [from, to]) {
    if (!side.model.apps.some((a) => a.name === app))
      throw new InputError(
        `no app "${app}" in environment ${side.model.env.name}: one of ${side.model.apps.map((a) => a.name).join(', ')}`,
      )
  }
  // Each side with credentials for its own account, before anything is read.
  await callerInAccount(from.sts, source)
  await callerInAccount(to.sts, target)

  const state = await readState(from.store, source.name)
  const deployed = state.apps[app]
  log(
    `promote: ${source.name} runs ${app} ${deployed?.version ?? '(never deployed)'}${deployed ? ` since ${deployed.deployedAt} (commit ${deployed.commit})` : ''}`,
  )
  const [sourceHead, targetHead] = [
    await fetchBranch(i.root, i.remote, source.branch),
    await fetchBranch(i.root, i.remote, target.branch),
  ]
  const v = deployed?.version
  const targetYaml = yamlVersion(await showFile(i.root, targetHead, envFile(target.name)), target.name, app)
  const decision = decidePromotion({
    app,
    from: source.name,
    to: target.name,
    deployed: v,
    targetYaml,
    sourceYaml: yamlVersion(await showFile(i.root, sourceHead, envFile(source.name)), source.name, app),
    sourceManifest: v ? await findManifest(from.store, app, v) : undefined,
    targetManifest: v ? await findManifest(to.store, app, v) : undefined,
    allowDowngrade: i.allowDowngrade,
  })
  if (decision.kind === 'refuse') throw new InputError(`promote ${app}: ${decision.why}; nothing was pushed`)
  if (decision.kind === 'nothing') return { kind: 'nothing', why: decision.why }
  log(
    `promote: ${target.name}'s release ${app} ${decision.version} is the one ${source.name} tested (sha256 ${decision.sha256})`,
  )

  const branch = `promote/${app}-${decision.version}`
  const title = `Promote ${app} ${decision.version} from ${source.name} to ${target.name}`
  const commit = await pushPromotion(
    i.root,
    targetHead,
    {
      remote: i.remote,
      branch,
      file: envFile(target.name),
      message: `${title}\n\n${source.name} runs it since ${deployed!.deployedAt}; release sha256 ${decision.sha256}.`,
    },
    (text) => setAppVersion(text, envFile(target.name), app, decision.version),
    // The branch must still validate as the target environment: the pull request's build would say so too late.
    (worktree) => {
      readModel(worktree, target.name)
    },
  )
  log(`promote: pushed ${branch} (${commit.slice(0, 12)}) from ${target.branch} at ${targetHead.slice(0, 12)}`)
  const pullRequest = await i.pullRequests.open({
    repository: target.repository,
    source: branch,
    target: target.branch,
    title,
    description: [
      `${app}: ${target.name} ${targetYaml} → ${decision.version}.`,
      `${source.name} runs ${decision.version} since ${deployed!.deployedAt} (deployment ${deployed!.deploymentId}).`,
      `Release sha256 ${decision.sha256}, the same bytes in both environments' artifacts buckets.`,
      'Opened by ops promote; merging it is the approval that deploys it.',
    ].join('\n'),
    // Same promotion, same pull request: a retry after a lost answer does not open a second one.
    token: `${target.name}-${app}-${decision.version}-${commit.slice(0, 12)}`,
  })
  return { kind: 'opened', pullRequest, branch, version: decision.version, commit }
}
