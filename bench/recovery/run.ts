// Benchmark of losing the database server on deploy-local, both ways a replacement comes back: with the kept data
// volume, and with a new volume that restores the newest backup. For each: seconds from the power cut to the first
// acknowledged write (RTO; the YAML's objective is hours), acknowledged writes missing afterwards (RPO), and requests
// failed in between, against the environment's objectives.
// Run: npm run bench:recovery   (I/O: see tests/integration/recovery/scenario.ts; everything is stopped at the end)
import { loseTheServer, standUp, type Outcome } from '../../tests/integration/recovery/scenario.ts'

const rows: Outcome[] = []
for (const path of ['volume kept', 'volume lost'] as const) {
  const stand = await standUp('10.30.128.10')
  try {
    process.stderr.write(`bench:recovery: ${path}…\n`)
    rows.push(await loseTheServer(stand, path))
    for (const line of stand.log) process.stderr.write(`  ${line}\n`)
  } finally {
    await stand.stop()
  }
}

const { readModel } = await import('../../scripts/lib/config/read.ts')
const { backup, database } = readModel('.', 'staging').env // the objectives; the stands differ only in their address
console.log(
  `objectives (environments/staging.yaml): RTO ${backup.rtoHours} h; RPO ${backup.rpoHours} h (nightly backup), ${database.snapshots.everyHours} h with snapshots; none with the kept volume\n`,
)
console.log(
  '| path | RTO s (kill → first acknowledged write) | replacement launched → deployed s | writes acknowledged | acknowledged then lost | failed while down | backup age at the kill s |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const o of rows)
  console.log(
    `| ${o.path} | ${o.rtoSeconds.toFixed(1)} | ${o.bootToUpSeconds.toFixed(1)} | ${o.acknowledged} | ${o.lostAcknowledged.length}${o.lostBeforeBackup.length ? ` (${o.lostBeforeBackup.length} before the backup!)` : ''} | ${o.failedBetween} | ${o.backupAgeSeconds?.toFixed(1) ?? '-'} |`,
  )
const [kept, lost] = rows as [Outcome, Outcome]
console.log(
  `\nbench:recovery: volume kept RTO ${kept.rtoSeconds.toFixed(0)} s, ${kept.lostAcknowledged.length} acknowledged writes lost; volume lost RTO ${lost.rtoSeconds.toFixed(0)} s, ${lost.lostAcknowledged.length} lost (all after the backup: ${lost.lostBeforeBackup.length === 0}); objective RTO ${backup.rtoHours * 3600} s`,
)
