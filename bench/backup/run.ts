// Benchmark: our backup and restore against mongodump / mongorestore (--archive --gzip) on two shapes of data in FerretDB,
// back to back, medians of --runs, with peak RSS; and our backup's peak RSS at a small and a large size of the same data.
// Prints figures, ratios and the targets of issue 17 (I/O: FerretDB, moto, child processes).
// Usage: npm run bench:backup -- [--large-mb 256] [--small-docs 200000] [--runs 3] [--rss-mb 100,1024 | --rss-mb none]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { S3Client } from '@aws-sdk/client-s3'
import { BSON, Int32, MongoClient, ObjectId, type Document } from 'mongodb'
import { readModel } from '../../scripts/lib/config/read.ts'
import { BACKUP_ENVIRONMENT, OPS_ENTRY, OPS_NODE_ARGS } from '../../scripts/lib/render/backup-paths.ts'
import { cacheBin, startFerret, type Ferret } from '../../tests/harness/ferretdb.ts'
import { createBuckets, startMoto } from '../../tests/harness/moto.ts'
import { patient, rng } from '../../tests/integration/backup/dataset.ts'
import { layOutOpsRelease } from '../../tests/harness/ops-release.ts'
import { cpuBy, measure, type Measured } from './measure.ts'

const { values } = parseArgs({
  options: {
    'large-mb': { type: 'string', default: '256' },
    'small-docs': { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    'rss-mb': { type: 'string', default: '100,1024' },
  },
})
const RUNS = Number(values.runs)
const root = fileURLToPath(new URL('../../', import.meta.url))
const ENV = 'staging'
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`)
const mb = (b: number) => b / 1024 / 1024

/** A shape of data: documents generated in batches into drsignet.<collection> (the staging policy backs up drsignet). */
type Shape = { name: string; collection: string; make: (i: number, r: () => number) => Document }
const shapes = {
  large: {
    name: 'large documents (~2 KB patients)',
    collection: 'patients',
    make: (i, r) => patient(i, r, 1800),
  } satisfies Shape,
  // ~61 bytes each, like the issue's 200,000 documents of 12.2 MB: an id, a counter and a short code.
  small: {
    name: 'small documents (~61 B events)',
    collection: 'events',
    make: (i) => ({
      _id: new ObjectId(Buffer.from(i.toString(16).padStart(24, '0'), 'hex')),
      n: new Int32(i),
      code: `ev-${i % 1000}`,
    }),
  } satisfies Shape,
}

/** Adds documents of `shape` until the collection holds `bytes` of BSON or `docs` documents. */
async function grow(
  uri: string,
  shape: Shape,
  until: { bytes?: number; docs?: number },
  state: { docs: number; bytes: number },
) {
  const client = await MongoClient.connect(uri)
  const r = rng(7 + state.docs)
  const coll = client.db('drsignet').collection<Document>(shape.collection)
  const more = () => state.bytes < (until.bytes ?? Infinity) && state.docs < (until.docs ?? Infinity)
  const started = Date.now()
  let logged = 0
  while (more()) {
    const batches: Document[][] = []
    for (let k = 0; k < 2 && more(); k++) {
      const batch: Document[] = []
      while (batch.length < 1000 && more()) {
        const d = shape.make(state.docs++, r)
        state.bytes += BSON.calculateObjectSize(d)
        batch.push(d)
      }
      batches.push(batch)
    }
    await Promise.all(batches.map((b) => coll.insertMany(b, { ordered: false })))
    if (Date.now() - logged > 5000)
      ((logged = Date.now()),
        log(
          `generated ${state.docs} docs, ${mb(state.bytes).toFixed(0)} MB (${(mb(state.bytes) / ((Date.now() - started) / 1000)).toFixed(1)} MB/s)`,
        ))
  }
  await client.close()
}

const work = mkdtempSync(join(tmpdir(), 'bench-backup-'))
// The tool as a database host runs it: the backup bundle's release of ENV, the compiled dist/ started by plain node,
// a backup with its unit's environment.
const release = layOutOpsRelease(join(work, 'release'), ENV)
/** `server`: a pid whose CPU is sampled meanwhile (the FerretDB the command writes to). */
const ops = (args: string[], env: Record<string, string>, server?: number) =>
  measure(process.execPath, [...OPS_NODE_ARGS, OPS_ENTRY, ...args], { ...env, NODE_NO_WARNINGS: '1' }, release, server)
const must = (what: string, m: Measured) => {
  if (m.code !== 0) throw new Error(`${what} failed (${m.code}):\n${m.stderr.slice(-3000)}`)
  return m
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
type Figures = { seconds: number; rss: number }
const summarise = (ms: Measured[]): Figures => ({
  seconds: median(ms.map((m) => m.seconds)),
  rss: median(ms.map((m) => m.peakRssMB)),
})

const moto = await startMoto()
Object.assign(process.env, moto.env)
const model = readModel(root, ENV)
const s3 = new S3Client({ region: model.env.region, forcePathStyle: true })
await createBuckets(s3, model.env.region, [model.env.backup.bucket])
const servers = new Set<Ferret>()
const fresh = async () => {
  const f = await startFerret({ dataDir: mkdtempSync(join(work, 'db-')) })
  servers.add(f)
  return f
}
const stop = async (f: Ferret) => (servers.delete(f), await f.stop())

/** One shape: RUNS × (mongodump, ours) back to back, then RUNS × (mongorestore, ours), each restore into a fresh server. */
async function compare(shape: Shape, until: { bytes?: number; docs?: number }) {
  const src = await fresh()
  const state = { docs: 0, bytes: 0 }
  log(`${shape.name}: generating`)
  await grow(src.uri, shape, until, state)
  const dumpFile = join(work, `${shape.collection}.archive.gz`)
  const dumps: Measured[] = []
  const backups: Measured[] = []
  let key = ''
  for (let i = 0; i < RUNS; i++) {
    log(`${shape.name}: mongodump and backup, run ${i + 1} of ${RUNS}`)
    dumps.push(
      must(
        'mongodump',
        await measure(join(cacheBin, 'mongodump'), [
          '--uri',
          src.uri,
          '--db',
          'drsignet',
          `--archive=${dumpFile}`,
          '--gzip',
          '--quiet',
        ]),
      ),
    )
    const b = must('backup', await ops(['backup', ENV], { ...BACKUP_ENVIRONMENT, MONGODB_URI: src.uri }))
    key = /s3:\/\/[^/]+\/(\S+\.archive\.gz)/.exec(b.stdout)![1]!
    backups.push(b)
  }
  await stop(src)
  const mongorestores: Measured[] = []
  const restores: Measured[] = []
  const proofs: number[] = [] // seconds of each restore spent reading back what it wrote
  for (let i = 0; i < RUNS; i++) {
    log(`${shape.name}: mongorestore and restore, run ${i + 1} of ${RUNS}`)
    const theirs = await fresh()
    // FerretDB v1 rejects the "ns" option mongorestore adds to createIndexes, so it restores data only; ours also
    // builds the indexes and reads every collection back to prove it.
    mongorestores.push(
      must(
        'mongorestore',
        await measure(
          join(cacheBin, 'mongorestore'),
          ['--uri', theirs.uri, `--archive=${dumpFile}`, '--gzip', '--noIndexRestore', '--quiet'],
          {},
          undefined,
          theirs.pid,
        ),
      ),
    )
    await stop(theirs)
    const ours = await fresh()
    const r = must('restore', await ops(['restore', ENV, '--from', key, '--to', ours.uri], {}, ours.pid))
    restores.push(r)
    const proof = Number(/^restore \S+: proven: .*\(([\d.]+) s\)$/m.exec(r.stdout)?.[1])
    if (!Number.isFinite(proof)) throw new Error(`restore printed no proof line:\n${r.stdout}`)
    proofs.push(proof)
    await stop(ours)
  }
  const data = summarise(restores.map((m, i) => ({ ...m, seconds: m.seconds - proofs[i]! })))
  // The server's share: FerretDB's CPU through mongorestore's whole run, and through our restore until its proof.
  const serverCpu = {
    mongorestore: median(mongorestores.map((m) => cpuBy(m.watched, m.seconds))),
    data: median(restores.map((m, i) => cpuBy(m.watched, m.seconds - proofs[i]!))),
  }
  return {
    shape,
    docs: state.docs,
    bytes: state.bytes,
    dump: summarise(dumps),
    backup: summarise(backups),
    mongorestore: summarise(mongorestores),
    restore: summarise(restores),
    data,
    serverCpu,
  }
}

/** Our backup's peak RSS at two sizes of the large shape (one run each): it must not grow with the data. */
async function rssFlatness(sizesMB: [number, number]) {
  const src = await fresh()
  const state = { docs: 0, bytes: 0 }
  const out: { mb: number; rss: number }[] = []
  for (const size of sizesMB) {
    log(`backup RSS: generating up to ${size} MB`)
    await grow(src.uri, shapes.large, { bytes: size * 1024 * 1024 }, state)
    out.push({
      mb: mb(state.bytes),
      rss: must('backup', await ops(['backup', ENV], { ...BACKUP_ENVIRONMENT, MONGODB_URI: src.uri })).peakRssMB,
    })
  }
  await stop(src)
  return out
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
try {
  const results = [
    await compare(shapes.large, { bytes: Number(values['large-mb']) * 1024 * 1024 }),
    await compare(shapes.small, { docs: Number(values['small-docs']) }),
  ]
  const rssSizes =
    values['rss-mb'] === 'none' ? undefined : (values['rss-mb']!.split(',').map(Number) as [number, number])
  const rss = rssSizes && (await rssFlatness(rssSizes))
  console.log(`backup benchmark: FerretDB v1 (SQLite), gzip level 6 both sides, medians of ${RUNS} runs back to back`)
  const row = (name: string, f: Figures, bytes: number) =>
    `    ${name.padEnd(30)} ${f.seconds.toFixed(2).padStart(7)} s ${(mb(bytes) / f.seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${f.rss.toFixed(0).padStart(5)} MB`
  const summary: string[] = []
  for (const r of results) {
    const backupRatio = r.dump.seconds / r.backup.seconds
    const restoreRatio = r.mongorestore.seconds / r.data.seconds
    const provenRatio = r.mongorestore.seconds / r.restore.seconds
    const rssRatio = r.restore.rss / r.mongorestore.rss
    // Small documents: FerretDB inserts them on one core whoever sends them (SQLite has one writer; more batches in
    // flight, or mongorestore's insertion workers, leave its CPU at its wall time), so its CPU for our writes is a floor
    // under our data phase, and mongorestore's time over that floor the best ratio any client could reach. Large
    // documents let it decode one batch while it writes another: past one core on average, it sets no such floor.
    const ceiling = r.serverCpu.data <= r.data.seconds ? r.mongorestore.seconds / r.serverCpu.data : undefined
    const busy = (cpu: number, s: number) =>
      `${cpu.toFixed(1)} s of CPU in ${s.toFixed(1)} s (${((100 * cpu) / s).toFixed(0)} %)`
    console.log(`  ${r.shape.name}: ${r.docs} documents, ${mb(r.bytes).toFixed(1)} MB of BSON`)
    console.log(row('backup, ours (→ S3, moto)', r.backup, r.bytes))
    console.log(row('mongodump (→ file)', r.dump, r.bytes))
    console.log(row('restore, ours (data + indexes)', r.data, r.bytes))
    console.log(row('restore, ours (+ read-back proof)', r.restore, r.bytes))
    console.log(row('mongorestore (no indexes)', r.mongorestore, r.bytes))
    console.log(
      `    backup ${backupRatio.toFixed(2)}× mongodump (target ≥ 1.5×: ${verdict(backupRatio >= 1.5)}); restore ${restoreRatio.toFixed(2)}× mongorestore (target ≥ 1.2×: ${verdict(restoreRatio >= 1.2)}), ${provenRatio.toFixed(2)}× with the proof mongorestore does not do; restore RSS ${rssRatio.toFixed(2)}× mongorestore's (target ≤ 1.5×: ${verdict(rssRatio <= 1.5)})`,
    )
    console.log(
      `    FerretDB: ${busy(r.serverCpu.mongorestore, r.mongorestore.seconds)} of mongorestore, ${busy(r.serverCpu.data, r.data.seconds)} of our data + indexes; ${ceiling === undefined ? 'past one core, so its CPU sets no ceiling here' : `within one core: a client that took no time at all would restore ${ceiling.toFixed(2)}× mongorestore on this server (${ceiling >= 1.2 ? 'room for' : 'no room for'} the 1.2× target)`}`,
    )
    summary.push(
      `${r.shape.collection} backup ${backupRatio.toFixed(2)}× restore ${restoreRatio.toFixed(2)}× (proven ${provenRatio.toFixed(2)}×${ceiling === undefined ? '' : `, ceiling ${ceiling.toFixed(2)}×`}) rss ${rssRatio.toFixed(2)}×`,
    )
  }
  if (rss) {
    const ratio = rss[1]!.rss / rss[0]!.rss
    console.log(
      `  our backup's peak RSS: ${rss[0]!.mb.toFixed(0)} MB of data → ${rss[0]!.rss.toFixed(0)} MB, ${rss[1]!.mb.toFixed(0)} MB → ${rss[1]!.rss.toFixed(0)} MB: ${ratio.toFixed(2)}× (target ≤ 1.1×: ${verdict(ratio <= 1.1)})`,
    )
    summary.push(`backup rss ${rss[1]!.mb.toFixed(0)}/${rss[0]!.mb.toFixed(0)} MB ${ratio.toFixed(2)}×`)
  }
  console.log(`bench:backup: ${summary.join('; ')}`)
} finally {
  await Promise.all([...servers].map((s) => s.stop()))
  await moto.stop()
  rmSync(work, { recursive: true, force: true })
}
