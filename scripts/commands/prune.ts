// `prune ENV`: delete backups older than the retention, never the newest good one, only after reading each manifest; dry run unless --apply.
import { parseCommand } from '../lib/cli/args.ts'
import { backupContext } from './wiring/backup.ts'
import { readManifest } from '../lib/backup/archive-io.ts'
import { groupBackups, selectPrunable, type ManifestRead } from '../lib/backup/prune.ts'

export const summary = 'delete backups older than the retention (never the newest good one); dry run unless --apply'
const usage = 'npm run ops -- prune ENV [--apply] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(usage, argv, { apply: { type: 'boolean' } }, { min: 1, max: 1 })
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const ctx = backupContext((values.root as string) ?? '.', positionals[0])
  try {
    const listing = await ctx.store.list(ctx.prefix)
    const manifests = new Map<string, ManifestRead>()
    for (const g of groupBackups(listing))
      if (g.archive && g.manifest) manifests.set(g.archive.key, await readManifest(ctx.store, g.archive.key))
    const decisions = selectPrunable(listing, manifests, new Date(), ctx.policy.retentionDays)
    const doomed = decisions.filter((d) => d.action === 'delete')
    for (const d of decisions)
      console.log(
        `${d.action === 'delete' ? (values.apply ? 'delete' : 'would delete') : 'keep'}  ${d.stem}  (${d.reason})`,
      )
    if (!values.apply) {
      console.log(
        `prune ${ctx.env} (dry run): ${doomed.length} of ${decisions.length} backups would be deleted; pass --apply to delete them`,
      )
      return 0
    }
    await ctx.store.delete(doomed.flatMap((d) => d.keys))
    console.log(`prune ${ctx.env}: deleted ${doomed.length} of ${decisions.length} backups`)
    return 0
  } catch (e) {
    console.error(`prune ${ctx.env} failed: ${(e as Error).message}`)
    return 1
  }
}
