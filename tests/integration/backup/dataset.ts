// Generates deterministic test data in many BSON types, within FerretDB v1's subset (no nested arrays, NaN, Decimal128, $ or dotted keys) (I/O: the database).
import { Binary, BSONRegExp, Double, Int32, Long, MongoClient, ObjectId, Timestamp, type Document } from 'mongodb'

/** A small seeded PRNG so runs are reproducible. */
export function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

export function patient(i: number, r: () => number, padBytes = 0): Document {
  const doc: Document = {
    _id: new ObjectId(Buffer.from(i.toString(16).padStart(24, '0'), 'hex')),
    mrn: `MRN-${String(i).padStart(8, '0')}`,
    name: { given: `Given${i}`, family: `Family${i % 97}`, note: 'ünïcødé ✓ 患者' },
    age: new Int32(Math.floor(r() * 100)),
    visits: Long.fromNumber(Math.floor(r() * 1e12)),
    weightKg: new Double(40 + r() * 80),
    active: r() > 0.3,
    deceased: null,
    admittedAt: new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 1e11)),
    tags: ['a', `t${i % 5}`, new Int32(i % 7)],
    allergies: [{ code: `A${i % 13}`, severe: i % 2 === 0 }],
    photo: new Binary(Buffer.from(Array.from({ length: 16 }, () => Math.floor(r() * 256))), 0),
    uuid: new Binary(Buffer.from(Array.from({ length: 16 }, (_, k) => (i * 31 + k) & 0xff)), 4),
    pattern: new BSONRegExp(`^p${i % 10}`, 'i'),
    seen: new Timestamp({ t: 1_700_000_000 + i, i: 1 }),
    ref: new ObjectId(Buffer.from((i * 7).toString(16).padStart(24, '0'), 'hex')),
  }
  if (padBytes)
    doc.notes =
      'x'.repeat(Math.floor(padBytes / 2)) +
      Math.floor(r() * 1e9)
        .toString(36)
        .repeat(Math.ceil(padBytes / 14))
  return doc
}

/** Several databases and collections, with indexes and an empty collection. */
export async function seed(uri: string, patients = 300): Promise<void> {
  const client = await MongoClient.connect(uri)
  try {
    const r = rng(42)
    const clinic = client.db('drsignet')
    await clinic.collection('patients').insertMany(Array.from({ length: patients }, (_, i) => patient(i, r)))
    await clinic.collection('patients').createIndex({ mrn: 1 }, { unique: true })
    await clinic.collection('patients').createIndex({ 'name.family': 1, age: -1 })
    await clinic.collection<Document>('appointments').insertMany(
      Array.from({ length: 120 }, (_, i) => ({
        _id: i,
        patient: `MRN-${String(i % 50).padStart(8, '0')}`,
        at: new Date(Date.UTC(2026, 0, 1, i % 24)),
        room: `R${i % 9}`,
        fee: new Double(i * 1.25),
      })) as Document[],
    )
    await clinic.collection('appointments').createIndex({ room: 1, at: -1 }, { name: 'room_at' })
    await clinic.createCollection('empty')
    const audit = client.db('audit')
    await audit.collection<Document>('events').insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        _id: `e${i}`,
        kind: i % 3 ? 'read' : 'write',
        n: new Long(i, i % 3),
        ok: true,
      })) as Document[],
    )
    await audit.collection('events').createIndex({ kind: 1 })
  } finally {
    await client.close()
  }
}

export type CollectionFingerprint = { ns: string; count: number; hash: string; indexes: string[] }
