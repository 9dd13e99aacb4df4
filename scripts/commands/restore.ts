// `restore ENV`: fetch a backup (latest, a key, or a mongodump archive file), prove it, then restore documents and indexes.
import { parseCommand } from '../lib/cli/args.ts'
import { backupContext, connectMongo, stderrProgress } from './wiring/backup.ts'
import { fetchArchive } from '../lib/backup/fetch-archive.ts'
import { openArchiveFile } from '../lib/backup/archive-io.ts'
import { restoreArchive, type RestoreReport } from '../lib/backup/run-restore.ts'
import { formatMB } from '../lib/backup/progress.ts'
import { manifestExpectations } from '../lib/backup/manifest.ts'
import { resolveMongoUri } from '../lib/mongo/env-file.ts'
import { mongoTarget } from '../lib/mongo/sink.ts'
import { redactError } from '../lib/mongo/redact.ts'

export const summary = 'restore a backup (checksum verified first) into MongoDB'
const usage =
  'npm run ops -- restore ENV [--from KEY|latest|FILE] [--to URI] [--ns-include PATTERN]... [--drop] [--dry-run] [--env-file FILE] [--root DIR]'

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      'ns-include': { type: 'string', multiple: true },
      drop: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'env-file': { type: 'string' },
    },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const ctx = backupContext((values.root as string) ?? '.', positionals[0])
  const opts = { nsInclude: values['ns-include'] as string[] | undefined, drop: !!values.drop }
  let uri = (values.to as string | undefined) ?? ''
  try {
    const fetched = await fetchArchive(ctx.store, ctx.prefix, values.from as string | undefined, opts, stderrProgress)
    try {
      const checked = fetched.manifest
        ? `sha256 ${fetched.manifest.sha256.slice(0, 12)}… matches its manifest`
        : 'structure and CRCs checked'
      if (values['dry-run']) {
        const scan = fetched.scan ?? (await restoreArchive(openArchiveFile(fetched.file), null, opts, stderrProgress))
        console.log(`restore ${ctx.env} (dry run): ${fetched.source}: ${checked}; would restore:`)
        printReport(scan)
        return 0
      }
      uri ||= resolveMongoUri(values['env-file'] as string | undefined)
      const client = await connectMongo(uri)
      try {
        const expected = fetched.manifest && manifestExpectations(fetched.manifest)
        const report = await restoreArchive(
          openArchiveFile(fetched.file),
          mongoTarget(client),
          { ...opts, expected },
          stderrProgress,
        )
        console.log(`restore ${ctx.env}: ${fetched.source}: ${checked}; restored in ${report.seconds.toFixed(1)} s:`)
        printReport(report)
        for (const w of report.mismatches) console.error(`restore ${ctx.env}: MISMATCH ${w}`)
        if (report.mismatches.length) {
          console.error(
            `restore ${ctx.env} FAILED: what was written does not match the ${fetched.manifest ? "backup's manifest" : 'archive'}; do not use the target until it is restored again`,
          )
          return 1
        }
        console.log(
          `restore ${ctx.env}: proven: every collection read back holds exactly the ${fetched.manifest ? "manifest's" : "archive's"} documents (${report.proofSeconds.toFixed(1)} s)`,
        )
        return 0
      } finally {
        await client.close().catch(() => {})
      }
    } finally {
      fetched.cleanup()
    }
  } catch (e) {
    console.error(`restore ${ctx.env} failed: ${redactError(e, uri)}`)
    return 1
  }
}

function printReport(r: RestoreReport) {
  for (const n of r.namespaces)
    console.log(`  ${n.targetDb}.${n.collection}: ${n.count} documents, ${formatMB(n.bytes)}, ${n.indexes} indexes`)
  console.log(`  total: ${r.namespaces.length} collections, ${r.documents} documents, ${formatMB(r.bytes)}`)
}
