// `verify ENV`: the restore drill: newest good backup → scratch databases, counts and content hashes against the manifest, time against the RTO.
import { parseCommand } from '../lib/cli/args.ts'
import { backupContext, connectMongo, stderrProgress } from './wiring/backup.ts'
import { fetchArchive } from '../lib/backup/fetch-archive.ts'
import { openArchiveFile } from '../lib/backup/archive-io.ts'
import { restoreArchive } from '../lib/backup/run-restore.ts'
import { compareWithManifest, scratchDbName, type Observed } from '../lib/backup/run-verify.ts'
import { resolveMongoUri } from '../lib/mongo/env-file.ts'
import { mongoTarget } from '../lib/mongo/sink.ts'
import { manifestExpectations } from '../lib/backup/manifest.ts'
import { redactError } from '../lib/mongo/redact.ts'

export const summary =
  'restore drill: restore the newest backup into scratch databases and prove it against its manifest and the RTO'
const usage = 'npm run ops -- verify ENV [--to URI] [--keep] [--env-file FILE] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { to: { type: 'string' }, keep: { type: 'boolean' }, 'env-file': { type: 'string' } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const ctx = backupContext((values.root as string) ?? '.', positionals[0])
  let uri = (values.to as string | undefined) ?? ''
  try {
    uri ||= resolveMongoUri(values['env-file'] as string | undefined)
    const started = Date.now()
    const fetched = await fetchArchive(ctx.store, ctx.prefix, 'latest', {}, stderrProgress)
    const client = await connectMongo(uri)
    const runId = Date.now().toString(36)
    const rename = (db: string) => scratchDbName(db, runId)
    try {
      const manifest = fetched.manifest!
      const report = await restoreArchive(
        openArchiveFile(fetched.file),
        mongoTarget(client),
        { renameDb: rename, drop: true, expected: manifestExpectations(manifest) },
        stderrProgress,
      )
      // The RTO clock stops when the data is back; the read-back that proves it is not part of a real recovery.
      const restoreSeconds = (Date.now() - started) / 1000 - report.proofSeconds
      const observed: Observed[] = report.namespaces.map((n) => ({
        db: n.db,
        collection: n.collection,
        count: n.written!.count,
        contentHash: n.written!.contentHash,
        indexes: n.written!.indexes.length,
      }))
      const result = compareWithManifest(manifest, observed, restoreSeconds, ctx.policy.rtoHours)
      console.log(
        `verify ${ctx.env}: ${fetched.source} (taken ${manifest.startedAt}) restored into scratch databases drill_${runId}_*`,
      )
      for (const l of result.lines) console.log(`  ${l}`)
      if (!result.ok)
        console.error(`verify ${ctx.env} FAILED: the restored data does not match the backup's manifest or the RTO`)
      else console.log(`verify ${ctx.env}: ok`)
      return result.ok ? 0 : 1
    } finally {
      if (!values.keep)
        for (const d of fetched.manifest?.databases ?? [])
          await client
            .db(rename(d.name))
            .dropDatabase()
            .catch(() => {})
      await client.close().catch(() => {})
      fetched.cleanup()
    }
  } catch (e) {
    console.error(`verify ${ctx.env} FAILED: ${redactError(e, uri)}`)
    return 1
  }
}
