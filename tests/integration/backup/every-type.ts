// A fixture of every BSON type and boundary FerretDB v1 stores (not ±Infinity, NaN, -0.0, Decimal128, nested arrays), as raw BSON built byte by byte — pure but for seed().
// Hand-built because js-bson cannot express some of it (datetimes beyond Date's range, a null _id it would replace).
import { MongoClient } from 'mongodb'
import { rawDocuments } from '../../../scripts/lib/mongo/document-sequence.ts'

type Element = [type: number, name: string, value: Buffer]

const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])])
const int32 = (n: number) => ((b) => (b.writeInt32LE(n), b))(Buffer.alloc(4))
const int64 = (n: bigint) => ((b) => (b.writeBigInt64LE(n), b))(Buffer.alloc(8))
const uint64 = (n: bigint) => ((b) => (b.writeBigUInt64LE(n), b))(Buffer.alloc(8))
const double = (n: number) => ((b) => (b.writeDoubleLE(n), b))(Buffer.alloc(8))
const string = (s: string) => ((v) => Buffer.concat([int32(v.length), v]))(cstring(s))

/** A BSON document from elements, keys in exactly this order. */
export function bson(elements: Element[]): Buffer {
  const body = Buffer.concat([
    ...elements.map(([t, name, v]) => Buffer.concat([Buffer.from([t]), cstring(name), v])),
    Buffer.from([0]),
  ])
  return Buffer.concat([int32(body.length + 4), body])
}
const array = (values: [number, Buffer][]) => bson(values.map(([t, v], i) => [t, String(i), v]))
const binary = (subtype: number, data: Buffer) => Buffer.concat([int32(data.length), Buffer.from([subtype]), data])

export const v = {
  double: (n: number): [number, Buffer] => [0x01, double(n)],
  string: (s: string): [number, Buffer] => [0x02, string(s)],
  doc: (e: Element[]): [number, Buffer] => [0x03, bson(e)],
  array: (values: [number, Buffer][]): [number, Buffer] => [0x04, array(values)],
  binary: (subtype: number, data: Buffer): [number, Buffer] => [0x05, binary(subtype, data)],
  objectId: (hex: string): [number, Buffer] => [0x07, Buffer.from(hex, 'hex')],
  bool: (b: boolean): [number, Buffer] => [0x08, Buffer.from([b ? 1 : 0])],
  datetime: (ms: bigint): [number, Buffer] => [0x09, int64(ms)],
  null: (): [number, Buffer] => [0x0a, Buffer.alloc(0)],
  regex: (pattern: string, flags: string): [number, Buffer] => [
    0x0b,
    Buffer.concat([cstring(pattern), cstring(flags)]),
  ],
  int32: (n: number): [number, Buffer] => [0x10, int32(n)],
  timestamp: (n: bigint): [number, Buffer] => [0x11, uint64(n)],
  int64: (n: bigint): [number, Buffer] => [0x12, int64(n)],
}
const el = (name: string, [t, value]: [number, Buffer]): Element => [t, name, value]

const MAX_DATE_MS = 8_640_000_000_000_000n // JavaScript's Date range ends here
const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)

/** Every _id type a collection may hold, each with a body of every value type and boundary. */
const ids: [number, Buffer][] = [
  v.null(),
  v.int32(0),
  v.int32(-2147483648),
  v.int64(I64_MAX),
  v.double(1.5),
  v.double(-1e300),
  v.string(''),
  v.string('患者-ü'),
  v.objectId('000000000000000000000000'),
  v.objectId('ffffffffffffffffffffffff'),
  v.binary(4, Buffer.alloc(16, 7)),
  v.bool(true),
  v.datetime(1n << 62n),
  v.datetime(-(1n << 62n)),
  v.timestamp((1n << 32n) | 1n),
  v.doc([el('b', v.int32(1)), el('a', v.int32(2))]),
]

function body(i: number): Element[] {
  return [
    el('z_last_key_first', v.int32(i)),
    el(
      'dates',
      v.array([
        v.datetime(1n << 62n),
        v.datetime(-(1n << 62n)),
        v.datetime(MAX_DATE_MS),
        v.datetime(-MAX_DATE_MS),
        v.datetime(MAX_DATE_MS + 1n),
        v.datetime(-MAX_DATE_MS - 1n),
        v.datetime(I64_MAX),
        v.datetime(I64_MIN),
        v.datetime(0n),
        v.datetime(-1n),
      ]),
    ),
    el('int32', v.array([v.int32(-2147483648), v.int32(2147483647), v.int32(0)])),
    el(
      'int64',
      v.array([v.int64(I64_MIN), v.int64(I64_MAX), v.int64(0n), v.int64(1n << 53n), v.int64((1n << 53n) + 1n)]),
    ),
    el(
      'double',
      v.array([v.double(0), v.double(5e-324), v.double(Number.MAX_VALUE), v.double(0.1), v.double(2 ** 53 + 2)]),
    ),
    el(
      'binary',
      v.array(
        [0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0xff].map((s) =>
          v.binary(s, s === 2 ? Buffer.concat([int32(3), Buffer.from('abc')]) : Buffer.from([s, 0, 255])),
        ),
      ),
    ),
    el('emptyBinary', v.binary(0, Buffer.alloc(0))),
    el('regex', v.array([v.regex('^a.*b$', 'imsux'), v.regex('', ''), v.regex('\\d+/é', 'i')])),
    el(
      'timestamp',
      v.array([v.timestamp(0n), v.timestamp((1n << 64n) - 1n), v.timestamp((1_700_000_000n << 32n) | 7n)]),
    ),
    el('strings', v.array([v.string(''), v.string('ünïcødé ✓ 患者 🩺'), v.string('line\nbreak\ttab')])),
    el(
      'nested',
      v.doc([
        el('m', v.doc([el('y', v.null()), el('x', v.bool(false))])),
        el('empty', v.doc([])),
        el('emptyArray', v.array([])),
      ]),
    ),
    el(
      'mixed',
      v.array([
        v.string('a'),
        v.int32(1),
        v.int64(1n),
        v.double(1),
        v.null(),
        v.bool(true),
        v.doc([el('k', v.string('v'))]),
      ]),
    ),
    el('a_first_key_last', v.objectId('0123456789abcdef01234567')),
  ]
}

/** Namespace → raw documents: several databases, unicode collection names, one document near the 16 MiB limit. */
export function everyTypeFixture(): Map<string, Buffer[]> {
  const docs = ids.map((id, i) => bson([el('_id', id), ...body(i)]))
  const near16MiB = bson([
    el('_id', v.string('big')),
    el('blob', v.binary(0, Buffer.alloc(16 * 1024 * 1024 - 200, 0xab))),
  ])
  return new Map([
    ['types.every', docs],
    ['types.患者 ünï', docs.slice(0, 4)],
    ['types2.big', [near16MiB]],
  ])
}

/** Writes the fixture with exactly its bytes (the same raw path restore uses; the test reads it back to prove the seed). */
export async function seedEveryType(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri)
  try {
    for (const [ns, docs] of everyTypeFixture()) {
      const [db, collection] = [ns.slice(0, ns.indexOf('.')), ns.slice(ns.indexOf('.') + 1)]
      const r = await client
        .db(db)
        .command({ insert: collection, ordered: true, documents: rawDocuments('documents', docs) })
      if (r.n !== docs.length) throw new Error(`seeding ${ns}: ${JSON.stringify(r)}`)
    }
  } finally {
    await client.close()
  }
}

/** Namespace → its documents as sorted hex, for a byte-for-byte comparison that ignores the order a server returns. */
export async function rawContents(uri: string, dbs = ['types', 'types2']): Promise<Record<string, string[]>> {
  const client = await MongoClient.connect(uri)
  try {
    const out: Record<string, string[]> = {}
    for (const db of dbs) {
      for (const { name } of await client.db(db).listCollections({}, { nameOnly: true }).toArray()) {
        const docs = await client.db(db).collection(name).find({}, { raw: true }).toArray()
        out[`${db}.${name}`] = docs.map((d) => Buffer.from(d as unknown as Uint8Array).toString('hex')).sort()
      }
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
  } finally {
    await client.close()
  }
}

export const fixtureContents = (): Record<string, string[]> =>
  Object.fromEntries(
    [...everyTypeFixture()]
      .map(([ns, docs]) => [ns, docs.map((d) => d.toString('hex')).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  )
