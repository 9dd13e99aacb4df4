// Rules on the database's recovery: an address the replacement can take, snapshots that meet the RPO, one
// instance per data volume, and users only for apps that exist (pure).
import { snapshotsKept, type Problem } from '../model.ts'
import { privateSubnet, unusableAddress } from '../subnets.ts'
import { envProblem, type ReferenceRule, type Rule } from './context.ts'

// DLM's count-based retention keeps at most this many snapshots per schedule.
const DLM_MAX_KEPT = 1000

export const databaseAddress: Rule = (ctx) => {
  const { database, network } = ctx.model.env
  const subnet = privateSubnet(network.vpcCidr, database.zone)
  const why = unusableAddress(database.address, subnet)
  return why
    ? [
        envProblem(
          ctx,
          ['database', 'address'],
          `database address ${database.address} ${why}, the private subnet of zone ${database.zone}; pick a free address inside it (e.g. ${subnet.replace(/\.\d+\/\d+$/, '.10')})`,
          'database-address',
        ),
      ]
    : []
}

export const databaseSnapshots: Rule = (ctx) => {
  const { database, backup } = ctx.model.env
  const s = database.snapshots
  const problems: Problem[] = []
  if (s.everyHours > backup.rpoHours)
    problems.push(
      envProblem(
        ctx,
        ['database', 'snapshots', 'everyHours'],
        `snapshots every ${s.everyHours} h would lose up to ${s.everyHours} h of writes with the volume, more than the RPO of ${backup.rpoHours} h; take them at most every ${backup.rpoHours} h`,
        'database-snapshot-rpo',
      ),
    )
  if (s.keepHours < s.everyHours || s.keepHours % s.everyHours !== 0)
    problems.push(
      envProblem(
        ctx,
        ['database', 'snapshots', 'keepHours'],
        `keepHours ${s.keepHours} is not a multiple of everyHours ${s.everyHours}; DLM keeps a count of snapshots, so use ${Math.max(1, Math.round(s.keepHours / s.everyHours)) * s.everyHours}`,
        'database-snapshot-keep',
      ),
    )
  else if (snapshotsKept(s) > DLM_MAX_KEPT)
    problems.push(
      envProblem(
        ctx,
        ['database', 'snapshots', 'keepHours'],
        `keeping ${s.keepHours} h of snapshots every ${s.everyHours} h is ${snapshotsKept(s)} snapshots; DLM keeps at most ${DLM_MAX_KEPT}, so take them less often or keep them shorter (the nightly backups cover the long tail)`,
        'database-snapshot-keep',
      ),
    )
  return problems
}

/** One data volume attaches to one instance: a database group of more would start empty servers beside it. */
export const databaseGroupSingle: Rule = (ctx) => {
  const { backup, instanceGroups } = ctx.model.env
  const i = instanceGroups.findIndex((g) => g.name === backup.instanceGroup)
  const group = instanceGroups[i]
  if (!group) return []
  if (group.count !== 1)
    return [
      envProblem(
        ctx,
        ['instanceGroups', group.name, 'count'],
        `the database group '${group.name}' has count ${group.count}; it must be 1, since its one data volume and address attach to one instance`,
        'database-single',
      ),
    ]
  return group.scaling
    ? [
        envProblem(
          ctx,
          ['instanceGroups', group.name, 'scaling'],
          `the database group '${group.name}' cannot scale: its one data volume and address attach to one instance; remove 'scaling'`,
          'database-single',
          'key',
        ),
      ]
    : []
}

/** Reads names only (a reference rule): the apps the environment lists, resolved or not. */
export const databaseClientsExist: ReferenceRule = (ctx) => {
  const names = Object.keys(ctx.data.apps ?? {})
  return Object.keys(ctx.data.database?.clients ?? {})
    .filter((app) => !names.includes(app))
    .map((app) =>
      envProblem(
        ctx,
        ['database', 'clients', app],
        `database client '${app}' is not an app of this environment; MongoDB users are made for its apps only (known: ${names.join(', ')})`,
        'database-client',
        'key',
      ),
    )
}
