// Benchmark: our backup/restore against mongodump --archive --gzip / mongorestore on the same FerretDB data, with peak RSS,
// and our backup's peak RSS at a small and a large data size. Prints figures and ratios (I/O: FerretDB, moto, child processes).
// Usage: npx tsx bench/backup/run.ts [--size-mb 1024] [--small-mb 100] [--rss-only]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { MongoClient, type Document } from 'mongodb'
import { readModel } from '../../scripts/lib/config/read.ts'
import { cacheBin, startFerret, type Ferret } from '../../tests/harness/ferretdb.ts'
import { startMoto } from '../../tests/harness/moto.ts'
import { patient, rng } from '../../tests/integration/backup/dataset.ts'
import { measure, type Measured } from './measure.ts'

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '1024' }, 'small-mb': { type: 'string', default: '100' }, 'rss-only': { type: 'boolean' } } })
const LARGE = Number(values['size-mb']) * 1024 * 1024
const SMALL = Number(values['small-mb']) * 1024 * 1024
const root = fileURLToPath(new URL('../../', import.meta.url))
const ENV = 'staging'
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`)
const mb = (b: number) => b / 1024 / 1024

/** Adds ~2 KB patient documents to drsignet.patients until the collection holds `bytes` of BSON. */
async function growTo(uri: string, bytes: number, state: { docs: number; bytes: number }) {
  const client = await MongoClient.connect(uri)
  const r = rng(7 + state.docs)
  const coll = client.db('drsignet').collection<Document>('patients')
  const { BSON } = await import('mongodb')
  const started = Date.now()
  while (state.bytes < bytes) {
    const batches: Document[][] = []
    for (let k = 0; k < 2 && state.bytes < bytes; k++) {
      const batch = Array.from({ length: 1000 }, () => patient(state.docs++, r, 1800))
      state.bytes += batch.reduce((n, d) => n + BSON.calculateObjectSize(d), 0)
      batches.push(batch)
    }
    await Promise.all(batches.map((b) => coll.insertMany(b, { ordered: false })))
    if (state.docs % 50_000 < 2000) log(`generated ${state.docs} docs, ${mb(state.bytes).toFixed(0)} MB (${(mb(state.bytes) / ((Date.now() - started) / 1000)).toFixed(1)} MB/s)`)
  }
  await client.close()
}

const ops = (args: string[], env: Record<string, string>) => measure(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args, '--root', root], { ...env, NODE_NO_WARNINGS: '1' }, root)
const must = (what: string, m: Measured) => {
  if (m.code !== 0) throw new Error(`${what} failed (${m.code}):\n${m.stderr.slice(-3000)}`)
  return m
}

const moto = await startMoto()
Object.assign(process.env, moto.env)
const model = readModel(root, ENV)
const s3 = new S3Client({ region: model.env.region, forcePathStyle: true })
await s3.send(new CreateBucketCommand({ Bucket: model.env.backup.bucket, CreateBucketConfiguration: { LocationConstraint: model.env.region as never } }))
const work = mkdtempSync(join(tmpdir(), 'bench-backup-'))
const servers: Ferret[] = []
const fresh = async () => {
  const f = await startFerret({ dataDir: mkdtempSync(join(work, 'db-')) })
  servers.push(f)
  return f
}

try {
  bench: {
  const src = await fresh()
  const state = { docs: 0, bytes: 0 }
  log(`generating ${mb(SMALL)} MB`)
  await growTo(src.uri, SMALL, state)
  const small = must('backup (small)', await ops(['backup', ENV], { MONGODB_URI: src.uri }))
  const smallState = { ...state }
  log(`small backup: ${small.seconds.toFixed(1)} s, peak RSS ${small.peakRssMB.toFixed(0)} MB`)
  log(`generating up to ${mb(LARGE)} MB`)
  await growTo(src.uri, LARGE, state)

  if (values['rss-only']) {
    const large = must('backup', await ops(['backup', ENV], { MONGODB_URI: src.uri }))
    console.log(`our backup peak RSS: ${mb(smallState.bytes).toFixed(0)} MB data → ${small.peakRssMB.toFixed(0)} MB, ${mb(state.bytes).toFixed(0)} MB data → ${large.peakRssMB.toFixed(0)} MB; ratio ${(large.peakRssMB / small.peakRssMB).toFixed(2)} (target ≤ 1.2)`)
    break bench
  }
  const dumpFile = join(work, 'dump.archive.gz')
  log('mongodump --archive --gzip')
  const dump = must('mongodump', await measure(join(cacheBin, 'mongodump'), ['--uri', src.uri, '--db', 'drsignet', `--archive=${dumpFile}`, '--gzip', '--quiet']))
  log('our backup')
  const ours = must('backup', await ops(['backup', ENV], { MONGODB_URI: src.uri }))
  const key = /s3:\/\/[^/]+\/(\S+\.archive\.gz)/.exec(ours.stdout)![1]

  const dstTheirs = await fresh()
  log('mongorestore --archive --gzip')
  // FerretDB v1 rejects the "ns" option mongorestore adds to createIndexes, so it restores data only.
  const restoreTheirs = must('mongorestore', await measure(join(cacheBin, 'mongorestore'), ['--uri', dstTheirs.uri, `--archive=${dumpFile}`, '--gzip', '--noIndexRestore', '--quiet']))
  await dstTheirs.stop()
  const dstOurs = await fresh()
  log('our restore')
  const restoreOurs = must('restore', await ops(['restore', ENV, '--from', key, '--to', dstOurs.uri], {}))
  await dstOurs.stop()

  const size = mb(state.bytes)
  const line = (name: string, m: Measured, bytes = state.bytes) => `  ${name.padEnd(34)} ${m.seconds.toFixed(1).padStart(7)} s ${(mb(bytes) / m.seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${m.peakRssMB.toFixed(0).padStart(5)} MB`
  console.log(`backup benchmark: ${state.docs} documents, ${size.toFixed(0)} MB of BSON in FerretDB ${'v1.24.2'} (SQLite), gzip level 6 both sides`)
  console.log(`  archive sizes: ours ${mb(Number(/→ ([\d.]+) MB/.exec(ours.stdout)?.[1] ?? 0) * 1024 * 1024).toFixed(1)} MB, mongodump ${mb(statSync(dumpFile).size).toFixed(1)} MB`)
  console.log('backup')
  console.log(line('ours (→ S3 multipart, moto)', ours))
  console.log(line('mongodump --archive --gzip (→ file)', dump))
  console.log(`  throughput ratio ours/mongodump: ${(dump.seconds / ours.seconds).toFixed(2)}×  (target ≥ 1.0×)`)
  console.log('restore')
  console.log(line('ours (S3 → checksum → FerretDB)', restoreOurs))
  console.log(line('mongorestore --archive --gzip', restoreTheirs))
  console.log(`  throughput ratio ours/mongorestore: ${(restoreTheirs.seconds / restoreOurs.seconds).toFixed(2)}×  (target ≥ 1.0×)`)
  console.log('memory of our backup')
  console.log(line(`ours at ${mb(smallState.bytes).toFixed(0)} MB`, small, smallState.bytes))
  console.log(line(`ours at ${size.toFixed(0)} MB`, ours))
  console.log(`  peak RSS ratio large/small: ${(ours.peakRssMB / small.peakRssMB).toFixed(2)}  (target ≤ 1.2)`)
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  await moto.stop()
  rmSync(work, { recursive: true, force: true })
}
