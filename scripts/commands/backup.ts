// `backup ENV`: stream MongoDB into a gzip'd mongodump archive in S3 (SSE-KMS), then its manifest and the heartbeat.
import { parseCommand } from '../lib/cli/args.ts'
import { backupCloudWatch, backupHeartbeat } from '../lib/aws/backup-heartbeat.ts'
import { backupContext, connectMongo, stderrProgress } from './wiring/backup.ts'
import { checkReach } from '../lib/backup/check.ts'
import { heartbeatKey } from '../lib/backup/manifest.ts'
import { formatMB } from '../lib/backup/progress.ts'
import { runBackup } from '../lib/backup/run-backup.ts'
import { resolveMongoUri } from '../lib/mongo/env-file.ts'
import { mongoSource } from '../lib/mongo/source.ts'
import { redactError } from '../lib/mongo/redact.ts'
import { backupTimeoutMinutes } from '../lib/config/model.ts'

export const summary = 'back up MongoDB to S3 (streamed, gzip, SSE-KMS), then write the manifest and heartbeat'
const usage =
  "npm run ops -- backup ENV [--env-file FILE] [--check] [--root DIR]\n  --check  write nothing: prove MongoDB answers and the backup prefix in S3 can be listed (the deploy's ValidateService)"

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    usage,
    argv,
    { 'env-file': { type: 'string' }, check: { type: 'boolean' } },
    { min: 1, max: 1 },
  )
  if (values.help) return (console.log(`usage: ${usage}\n${summary}`), 0)
  const ctx = backupContext((values.root as string) ?? '.', positionals[0])
  let uri = ''
  try {
    uri = resolveMongoUri(values['env-file'] as string | undefined)
    const client = await connectMongo(uri)
    try {
      if (values.check) {
        const r = await checkReach(mongoSource(client), ctx.store, ctx.prefix, ctx.policy.databases)
        console.log(
          `backup ${ctx.env} --check: MongoDB ${r.serverVersion} answers: ${r.databases} databases, ${r.collections} collections to back up; s3://${ctx.policy.bucket}/${ctx.prefix} lists ${r.manifests} backups${r.newest ? `, newest ${r.newest}` : ''}`,
        )
        return 0
      }
      const heartbeat = backupHeartbeat(backupCloudWatch(ctx.region), ctx.store, heartbeatKey(ctx.policy, ctx.env))
      const m = await runBackup(ctx.env, ctx.policy, {
        source: mongoSource(client),
        store: ctx.store,
        heartbeat,
        progress: stderrProgress,
      })
      const colls = m.databases.reduce((n, d) => n + d.collections.length, 0)
      console.log(
        `backup ${ctx.env}: s3://${m.bucket}/${m.key}: ${m.databases.length} databases, ${colls} collections, ${m.documents} documents, ${formatMB(m.rawBytes)} → ${formatMB(m.compressedBytes)} in ${(m.durationMs / 1000).toFixed(1)} s`,
      )
      const minutes = m.durationMs / 60_000
      if (minutes > ctx.policy.expectedMinutes)
        console.error(
          `backup ${ctx.env}: warning: took ${minutes.toFixed(0)} min, over backup.expectedMinutes (${ctx.policy.expectedMinutes}); raise it in environments/${ctx.env}.yaml before runs reach the unit's ${backupTimeoutMinutes(ctx.policy)} min timeout`,
        )
      return 0
    } finally {
      await client.close().catch(() => {})
    }
  } catch (e) {
    if (values.check) console.error(`backup ${ctx.env} --check failed: ${redactError(e, uri)}`)
    else
      console.error(
        `backup ${ctx.env} failed: ${redactError(e, uri)}; no manifest was written, so this is not a backup`,
      )
    return 1
  }
}
