import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isJadeError, JadeError } from '../../src/errors';
import type { ErrorCode } from '../../src/errors';
import { RecordCodec } from '../../src/log/codec';
import { parsingCanonicalForm } from '../../src/log/crc64-avro';
import { keyForRecord } from '../../src/log/records';
import type { DatabaseDefinition, JadeRecord, VectorUpsertRecord } from '../../src/log/records';

const ROOT = path.join(__dirname, '../..');
const SCHEMAS = path.join(ROOT, 'schemas');
const FIXTURES = path.join(__dirname, '../fixtures/avro');
const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));
const schemaText = (file: string): string => readFileSync(path.join(SCHEMAS, file), 'utf8');

/** Runs `fn` and returns the JadeError it throws, failing the test if it throws anything else or nothing. */
function jadeErrorOf(fn: () => unknown): JadeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof JadeError) return err;
    throw new Error(`expected a JadeError, got ${String(err)}`);
  }
  throw new Error('expected a JadeError, nothing was thrown');
}

async function asyncJadeErrorOf(promise: Promise<unknown>): Promise<JadeError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof JadeError) return err;
    throw new Error(`expected a JadeError, got ${String(err)}`);
  }
  throw new Error('expected a JadeError, nothing was thrown');
}

// The values generate.py wrote, repeated here on purpose: the fixtures are checked against them, not against themselves.
const DEFINITION: DatabaseDefinition = {
  name: 'movies',
  dimension: 4,
  metric: 'cosine',
  m: 16,
  efConstruction: 200,
  efSearch: 64,
  description: 'Film posters',
  createdAtMs: 1767225600000,
};
const UPSERT_V2: VectorUpsertRecord = {
  type: 'vector-upsert',
  database: 'movies',
  id: 'tt0111161/poster',
  values: new Float32Array([0.5, -1.25, 3.0, 0.1]),
  metadata: { title: 'The Shawshank Redemption', year: 1994, tags: ['drama'], café: true },
};
const FIXTURE_RECORDS: [string, JadeRecord][] = [
  ['vector-upsert.v2.bin', UPSERT_V2],
  ['vector-patch.v1.bin', { type: 'vector-patch', database: 'movies', id: 'tt0111161/poster', metadata: { rating: 9.3 } }],
  [
    'database-event.v1.bin',
    { type: 'database-event', eventType: 'create', name: 'movies', definition: DEFINITION, requestId: 'req-7f3a', timestampMs: 1767225600123 },
  ],
  ['database-marker.v1.bin', { type: 'database-marker', kind: 'create', database: 'movies', incarnation: 42, definition: DEFINITION }],
  [
    'dead-letter.v1.bin',
    {
      type: 'dead-letter',
      sourceTopic: 'jade.vectors',
      sourcePartition: 3,
      sourceOffset: 1234567890123,
      reasonCode: 'JADE_ERR_CODEC_BAD_MAGIC',
      reason: 'record does not start with a known header',
      key: Buffer.from('movies/tt0111161'),
      value: Buffer.from([1, 2, 0xff]),
      timestampMs: 1767225600456,
      nodeId: null,
    },
  ],
];
const UPSERT_V1_EXPECTED: VectorUpsertRecord = {
  type: 'vector-upsert',
  database: 'movies',
  id: 'tt0068646',
  values: new Float32Array([1, 2, -0, 65504]),
  metadata: null,
};

function upsert(dim: number, i = 0): VectorUpsertRecord {
  const values = new Float32Array(dim);
  for (let j = 0; j < dim; j++) values[j] = Math.sin(i * 31 + j);
  return { type: 'vector-upsert', database: 'bench', id: `id-${i}`, values, metadata: { i, tag: 'x' } };
}

/** Builds a single-object value by hand: header of the given fingerprint bytes, then a body. */
function singleObject(fingerprintLE: Buffer, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xc3, 0x01]), fingerprintLE, body]);
}

/** Avro zig-zag varint, for hand-built bodies. */
function avroLong(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  do {
    let b = z % 128;
    z = Math.floor(z / 128);
    if (z > 0) b |= 0x80;
    bytes.push(b);
  } while (z > 0);
  return Buffer.from(bytes);
}
const avroString = (s: string): Buffer => Buffer.concat([avroLong(Buffer.byteLength(s)), Buffer.from(s)]);
const avroBytes = (b: Buffer): Buffer => Buffer.concat([avroLong(b.length), b]);

describe('RecordCodec', () => {
  const codec = RecordCodec.load();
  const upsertHeader = fixture('vector-upsert.v2.bin').subarray(2, 10);

  describe('loading', () => {
    it('round-trips a node heartbeat', () => {
      const heartbeat = {
        type: 'node-heartbeat' as const,
        nodeId: 'n1',
        replicaGroup: 1,
        url: 'http://127.0.0.1:8081',
        ready: true,
        partitions: [{ partition: 3, nextOffset: 12345678901, lag: 2, ready: true, awaitingErasure: ['old'] }],
        sentAtMs: 1700000000000,
      };
      expect(codec.decode(codec.encode(heartbeat))).toEqual(heartbeat);
    });

    it('round-trips audit and API key events', () => {
      const audit = {
        type: 'audit-event' as const,
        eventId: 'e1',
        kind: 'outcome' as const,
        timestampMs: 1,
        requestId: 'r1',
        action: 'search',
        category: 'read' as const,
        outcome: 'denied' as const,
        actor: 'alice',
        roles: ['reader'],
        authMethod: 'jwt',
        sourceAddress: '127.0.0.1',
        route: 'POST /v1/databases/:db/search',
        database: 'docs',
        recordCount: 0,
        statusCode: 403,
        latencyMs: 1.5,
        errorCode: 'JADE_ERR_AUTH_FORBIDDEN',
        nodeId: null,
      };
      expect(codec.decode(codec.encode(audit))).toEqual(audit);
      const key = { type: 'api-key-event' as const, eventType: 'create' as const, keyId: 'k1', hash: 'ab', name: null, roles: ['reader'], databases: ['*'], expiresAtMs: null, timestampMs: 2, actor: 'admin' };
      expect(codec.decode(codec.encode(key))).toEqual(key);
    });

    it('finds schemas/ from src/ (ts-jest) and knows the current schemas and the history', () => {
      const known = codec.describeSchemas().map((s) => `${s.type}@${s.version}`);
      expect(known).toEqual([
        'vector-upsert@current',
        'vector-patch@current',
        'database-event@current',
        'database-marker@current',
        'dead-letter@current',
        'node-heartbeat@current',
        'audit-event@current',
        'api-key-event@current',
        'vector-upsert@vector-upsert.v1.avsc',
      ]);
    });

    it('keeps DatabaseDefinition identical in the catalog and marker schemas, docs included', () => {
      const definitionOf = (file: string): Record<string, unknown> => {
        const schema = JSON.parse(schemaText(file)) as { fields: { name: string; type: unknown[] }[] };
        const { doc, ...definition } = schema.fields.find((f) => f.name === 'definition')!.type[1] as { doc: string };
        expect(doc).toMatch(/Identical in schemas\/database-(event|marker)\.avsc/); // the only line allowed to differ
        return definition;
      };
      const inMarker = definitionOf('database-marker.avsc');
      expect(inMarker).toEqual(definitionOf('database-event.avsc'));
      expect(parsingCanonicalForm({ ...inMarker, namespace: 'jadevectordb' })).toMatch(/^\{"name":"jadevectordb\.DatabaseDefinition"/);
    });

    it('documents every record and field', () => {
      for (const file of ['vector-upsert.avsc', 'vector-patch.avsc', 'database-event.avsc', 'database-marker.avsc', 'dead-letter.avsc']) {
        const schema = JSON.parse(schemaText(file)) as { namespace: string; doc?: string; fields: { name: string; doc?: string }[] };
        expect(schema.namespace).toBe('jadevectordb');
        expect(schema.doc).toEqual(expect.any(String));
        for (const field of schema.fields) expect([file, field.name, typeof field.doc]).toEqual([file, field.name, 'string']);
      }
    });

    describe('from a copied schema directory', () => {
      let dir: string;
      beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), 'jade-codec-'));
        cpSync(SCHEMAS, dir, { recursive: true });
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));

      it('refuses to start when a history version does not resolve into the current one', () => {
        const v0 = JSON.parse(schemaText('history/vector-upsert.v1.avsc')) as { fields: { name: string; type: unknown }[] };
        v0.fields[1]!.type = 'int'; // an int id cannot be read as a string
        writeFileSync(path.join(dir, 'history', 'vector-upsert.v0.avsc'), JSON.stringify(v0));
        const err = jadeErrorOf(() => RecordCodec.load({ schemaDir: dir }));
        expect(err.code).toBe('JADE_ERR_CODEC_SCHEMAS_UNREADABLE');
        expect(err.message).toMatch(/vector-upsert\.v0\.avsc/);
      });

      it('refuses to start when a current schema added a field without a default', () => {
        const current = JSON.parse(schemaText('vector-upsert.avsc')) as { fields: object[] };
        current.fields.push({ name: 'ttlMs', type: 'long' });
        writeFileSync(path.join(dir, 'vector-upsert.avsc'), JSON.stringify(current));
        expect(jadeErrorOf(() => RecordCodec.load({ schemaDir: dir })).code).toBe('JADE_ERR_CODEC_SCHEMAS_UNREADABLE');
      });

      it('refuses a missing or broken schema file', () => {
        rmSync(path.join(dir, 'dead-letter.avsc'));
        expect(jadeErrorOf(() => RecordCodec.load({ schemaDir: dir })).code).toBe('JADE_ERR_CODEC_SCHEMAS_UNREADABLE');
        writeFileSync(path.join(dir, 'dead-letter.avsc'), '{"type":"record","name":"jadevectordb.DeadLetter","fields":[{"name":"x","type":"nope"}]}');
        expect(jadeErrorOf(() => RecordCodec.load({ schemaDir: dir })).code).toBe('JADE_ERR_CODEC_SCHEMAS_UNREADABLE');
      });

      it('accepts a newer reader with a defaulted field and still reads the old fingerprints', () => {
        const current = JSON.parse(schemaText('vector-upsert.avsc')) as { fields: object[] };
        current.fields.push({ name: 'ttlMs', type: ['null', 'long'], default: null });
        writeFileSync(path.join(dir, 'vector-upsert.avsc'), JSON.stringify(current));
        const newer = RecordCodec.load({ schemaDir: dir });
        // v1 is still in history/; v2 is known only once it is copied there, as the compatibility rule says.
        expect(newer.decode(fixture('vector-upsert.v1.bin'))).toEqual(UPSERT_V1_EXPECTED);
        expect(jadeErrorOf(() => newer.decode(fixture('vector-upsert.v2.bin'))).code).toBe('JADE_ERR_CODEC_UNKNOWN_FINGERPRINT');
        cpSync(path.join(SCHEMAS, 'vector-upsert.avsc'), path.join(dir, 'history', 'vector-upsert.v2.avsc'));
        expect(RecordCodec.load({ schemaDir: dir }).decode(fixture('vector-upsert.v2.bin'))).toEqual(UPSERT_V2);
      });
    });
  });

  describe('fixtures written by Python avro', () => {
    it.each(FIXTURE_RECORDS)('decodes %s to the expected record and encodes that record to the same bytes', (file, record) => {
      const bytes = fixture(file);
      expect(codec.decode(bytes)).toEqual(record);
      expect(codec.encode(record).equals(bytes)).toBe(true);
    });

    it('reads a version-1 upsert (no metadata) through the current reader, with metadata null', () => {
      const bytes = fixture('vector-upsert.v1.bin');
      expect(bytes.subarray(2, 10).equals(upsertHeader)).toBe(false); // a different writer fingerprint
      expect(codec.decode(bytes)).toEqual(UPSERT_V1_EXPECTED);
      // Re-encoding writes the current version, which is not the v1 bytes.
      expect(codec.encode(UPSERT_V1_EXPECTED).subarray(2, 10).equals(upsertHeader)).toBe(true);
    });

    it('keeps float32 values bit for bit (0.1 rounds as Math.fround, -0 keeps its sign)', () => {
      const v2 = codec.decode(fixture('vector-upsert.v2.bin')) as VectorUpsertRecord;
      expect(v2.values[3]).toBe(Math.fround(0.1));
      const v1 = codec.decode(fixture('vector-upsert.v1.bin')) as VectorUpsertRecord;
      expect(Object.is(v1.values[2], -0)).toBe(true);
    });
  });

  describe('round trips', () => {
    it.each(FIXTURE_RECORDS)('encode then decode gives %s back', (_file, record) => {
      expect(codec.decode(codec.encode(record))).toEqual(record);
    });

    it('round-trips edge values', () => {
      const records: JadeRecord[] = [
        { type: 'vector-upsert', database: 'd', id: '🎬/é', values: new Float32Array([NaN, Infinity, -3.4e38, 1e-45]), metadata: {} },
        { type: 'vector-upsert', database: 'd', id: 'x', values: new Float32Array(4096).fill(0.25), metadata: { deep: { a: [1, null, 'ü'] } } },
        { type: 'vector-patch', database: 'd', id: 'x', metadata: null },
        { type: 'database-event', eventType: 'drop', name: 'd', definition: null, requestId: null, timestampMs: 0 },
        { type: 'database-event', eventType: 'update', name: 'd', definition: { ...DEFINITION, metric: 'dot', description: null }, requestId: 'r', timestampMs: 2 ** 52 },
        { type: 'database-marker', kind: 'erased', database: 'd', incarnation: 0, definition: null },
        {
          type: 'dead-letter',
          sourceTopic: 't',
          sourcePartition: 0,
          sourceOffset: 0,
          reasonCode: 'X',
          reason: '',
          key: null,
          value: Buffer.alloc(0),
          timestampMs: 1,
          nodeId: 'n',
        },
      ];
      for (const record of records) expect(codec.decode(codec.encode(record))).toEqual(record);
    });

    it('writes single-object encoding: C3 01, then the fingerprint of the current schema', () => {
      const bytes = codec.encode(upsert(8));
      expect(bytes.subarray(0, 2).toString('hex')).toBe('c301');
      expect(bytes.subarray(2, 10).equals(upsertHeader)).toBe(true);
    });

    it('decodes values into a fresh, aligned Float32Array that does not share memory with the input', () => {
      const encoded = codec.encode(upsert(5));
      // Put the record at an odd offset of a bigger buffer, as a consumer's batch buffer may.
      const big = Buffer.alloc(encoded.length + 3);
      encoded.copy(big, 3);
      const value = big.subarray(3);
      const decoded = codec.decode(value) as VectorUpsertRecord;
      expect(decoded.values.byteOffset).toBe(0);
      expect(decoded.values.buffer.byteLength).toBe(20);
      expect(Array.from(decoded.values)).toEqual(Array.from(upsert(5).values));
      big.fill(0);
      expect(Array.from(decoded.values)).toEqual(Array.from(upsert(5).values));
    });

    it('accepts a plain Uint8Array and a Float32Array view into a larger buffer', () => {
      const backing = new Float32Array([9, 1, 2, 3, 9]);
      const record: VectorUpsertRecord = { ...upsert(3), values: backing.subarray(1, 4) };
      const bytes = codec.encode(record);
      const plain = new Uint8Array(bytes.length);
      plain.set(bytes);
      expect(Array.from((codec.decode(plain) as VectorUpsertRecord).values)).toEqual([1, 2, 3]);
    });

    it('writes keys that match the record (the shard compares them)', () => {
      expect(keyForRecord(codec.decode(fixture('vector-upsert.v2.bin')))).toBe('movies/tt0111161/poster');
    });
  });

  describe('errors', () => {
    const good = fixture('vector-upsert.v2.bin');
    const codeOf = (value: Uint8Array): ErrorCode => jadeErrorOf(() => codec.decode(value)).code;

    it.each([
      ['an empty value', Buffer.alloc(0), 'JADE_ERR_CODEC_TRUNCATED'],
      ['a short single-object header', good.subarray(0, 9), 'JADE_ERR_CODEC_TRUNCATED'],
      ['a short Confluent header', Buffer.from([0, 0, 0, 1]), 'JADE_ERR_CODEC_TRUNCATED'],
      ['a body cut short', good.subarray(0, good.length - 1), 'JADE_ERR_CODEC_TRUNCATED'],
      ['a header-only record', good.subarray(0, 10), 'JADE_ERR_CODEC_TRUNCATED'],
      ['JSON', Buffer.from('{"database":"x"}'), 'JADE_ERR_CODEC_BAD_MAGIC'],
      ['C3 02', Buffer.concat([Buffer.from([0xc3, 0x02]), good.subarray(2)]), 'JADE_ERR_CODEC_BAD_MAGIC'],
      ['an unknown fingerprint', singleObject(Buffer.alloc(8, 7), good.subarray(10)), 'JADE_ERR_CODEC_UNKNOWN_FINGERPRINT'],
      ['an unknown Confluent id without a registry', Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), good.subarray(10)]), 'JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID'],
      ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), 'JADE_ERR_CODEC_TRAILING_BYTES'],
      ['a negative string length', singleObject(upsertHeader, Buffer.concat([avroLong(-3), Buffer.alloc(20)])), 'JADE_ERR_CODEC_TRUNCATED'],
      [
        'an invalid union index',
        singleObject(upsertHeader, Buffer.concat([avroString('d'), avroString('i'), avroBytes(Buffer.alloc(4)), avroLong(5)])),
        'JADE_ERR_CODEC_DECODE_FAILED',
      ],
      [
        'values of 6 bytes',
        singleObject(upsertHeader, Buffer.concat([avroString('d'), avroString('i'), avroBytes(Buffer.alloc(6)), avroLong(0)])),
        'JADE_ERR_CODEC_INVALID_FIELD',
      ],
      [
        'empty values',
        singleObject(upsertHeader, Buffer.concat([avroString('d'), avroString('i'), avroBytes(Buffer.alloc(0)), avroLong(0)])),
        'JADE_ERR_CODEC_INVALID_FIELD',
      ],
      ...['not json', '[1,2]', 'null', '"text"', '42', '{"a":1'].map(
        (metadata) =>
          [
            `metadata ${metadata}`,
            singleObject(upsertHeader, Buffer.concat([avroString('d'), avroString('i'), avroBytes(Buffer.alloc(4)), avroLong(1), avroString(metadata)])),
            'JADE_ERR_CODEC_INVALID_FIELD',
          ] as const,
      ),
    ] as [string, Buffer, ErrorCode][])('rejects %s with its code', (_what, value, code) => {
      expect(codeOf(value)).toBe(code);
    });

    it('rejects a long beyond 2^53 as a body that does not decode', () => {
      const marker = codec.encode({ type: 'database-marker', kind: 'create', database: 'd', incarnation: 1, definition: null });
      const body = Buffer.concat([avroLong(0), avroString('d'), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), avroLong(0)]);
      const err = jadeErrorOf(() => codec.decode(singleObject(marker.subarray(2, 10), body)));
      expect(err.code).toBe('JADE_ERR_CODEC_DECODE_FAILED');
      expect(err.retriable).toBe(false);
    });

    it('refuses to encode what it could not decode', () => {
      const bad: [string, JadeRecord][] = [
        ['empty values', { ...upsert(1), values: new Float32Array(0) }],
        ['values as an array', { ...upsert(1), values: [1, 2] as unknown as Float32Array }],
        ['metadata as an array', { ...upsert(1), metadata: [1] as never }],
        ['metadata with a BigInt', { ...upsert(1), metadata: { n: 1n } as never }],
        ['metadata whose toJSON is not an object', { ...upsert(1), metadata: { toJSON: () => 5 } as never }],
        ['a numeric id', { ...upsert(1), id: 5 as never }],
        ['a fractional dimension', { type: 'database-event', eventType: 'create', name: 'd', definition: { ...DEFINITION, dimension: 1.5 }, requestId: null, timestampMs: 0 }],
        ['an unknown metric', { type: 'database-marker', kind: 'create', database: 'd', incarnation: 0, definition: { ...DEFINITION, metric: 'hamming' as never } }],
        ['an unknown marker kind', { type: 'database-marker', kind: 'paused' as never, database: 'd', incarnation: 0, definition: null }],
        ['an unsafe offset', { ...(FIXTURE_RECORDS[4]![1] as JadeRecord & { type: 'dead-letter' }), sourceOffset: 2 ** 60 }],
        ['an unknown type', { type: 'vector-delete' } as never],
      ];
      for (const [what, record] of bad) {
        expect([what, jadeErrorOf(() => codec.encode(record)).code]).toEqual([what, 'JADE_ERR_CODEC_INVALID_FIELD']);
      }
    });

    it('names the offending field', () => {
      const err = jadeErrorOf(() =>
        codec.encode({ type: 'database-event', eventType: 'create', name: 'd', definition: { ...DEFINITION, efSearch: -0.5 }, requestId: null, timestampMs: 0 }),
      );
      expect(err.message).toMatch(/definition\.efSearch/);
    });

    it('survives 10,000 random and mutated buffers, throwing only JadeErrors', () => {
      let seed = 0x5eed;
      const random = (): number => {
        // mulberry32: deterministic, so a failure reproduces.
        seed = (seed + 0x6d2b79f5) | 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const int = (n: number): number => Math.floor(random() * n);
      const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
      const confluentCodec = RecordCodec.load({ schemaIds: { 42: 'jadevectordb.VectorUpsert', 41: schemaText('history/vector-upsert.v1.avsc') } });
      const seeds = [
        ...FIXTURE_RECORDS.map(([file]) => fixture(file)),
        fixture('vector-upsert.v1.bin'),
        fixture('vector-upsert.v1.confluent-id-41.bin'),
        fixture('vector-upsert.v2.confluent-id-42.bin'),
        codec.encode(upsert(16)),
      ];
      const headers = seeds.map((s) => s.subarray(0, s[0] === 0 ? 5 : 10));
      const outcomes = new Map<string, number>();
      const crashes: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const base = seeds[int(seeds.length)]!;
        let value: Buffer;
        switch (int(6)) {
          case 0:
            value = bytes(int(64));
            break;
          case 1: {
            value = Buffer.from(base);
            for (let m = 1 + int(4); m > 0; m--) {
              const at = int(value.length);
              value[at] = value[at]! ^ (1 << int(8));
            }
            break;
          }
          case 2:
            value = base.subarray(0, int(base.length));
            break;
          case 3:
            value = Buffer.concat([base, bytes(1 + int(8))]);
            break;
          case 4:
            value = Buffer.concat([headers[int(headers.length)]!, bytes(int(80))]);
            break;
          default: {
            // Splice: a header with another record's body, or a body with bytes cut out of its middle.
            const other = seeds[int(seeds.length)]!;
            const from = int(base.length);
            value = Buffer.concat([base.subarray(0, from), other.subarray(int(other.length))]);
          }
        }
        try {
          const record = confluentCodec.decode(value);
          if (record.type === 'vector-upsert' && (record.values.length === 0 || record.values.byteOffset !== 0)) crashes.push(`bad values from ${value.toString('hex')}`);
          outcomes.set('decoded', (outcomes.get('decoded') ?? 0) + 1);
        } catch (err) {
          if (err instanceof JadeError) outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
          else crashes.push(`${String(err)} from ${value.toString('hex')}`);
        }
      }
      expect(crashes).toEqual([]);
      // The fuzzer reached the decoder's every outcome, not just the header checks.
      expect([...outcomes.keys()].sort()).toEqual(
        expect.arrayContaining([
          'JADE_ERR_CODEC_BAD_MAGIC',
          'JADE_ERR_CODEC_DECODE_FAILED',
          'JADE_ERR_CODEC_INVALID_FIELD',
          'JADE_ERR_CODEC_TRAILING_BYTES',
          'JADE_ERR_CODEC_TRUNCATED',
          'JADE_ERR_CODEC_UNKNOWN_FINGERPRINT',
          'JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID',
          'decoded',
        ]),
      );
    });
  });

  describe('Confluent wire format', () => {
    const v1Schema = schemaText('history/vector-upsert.v1.avsc');

    it('resolves ids from the static map: by one of our names, or by a writer schema', () => {
      const withIds = RecordCodec.load({ schemaIds: { 42: 'jadevectordb.VectorUpsert', 41: v1Schema } });
      expect(withIds.decode(fixture('vector-upsert.v2.confluent-id-42.bin'))).toEqual(UPSERT_V2);
      expect(withIds.decode(fixture('vector-upsert.v1.confluent-id-41.bin'))).toEqual(UPSERT_V1_EXPECTED);
      const asObject = RecordCodec.load({ schemaIds: { 42: JSON.parse(schemaText('vector-upsert.avsc')) as object } });
      expect(asObject.decode(fixture('vector-upsert.v2.confluent-id-42.bin'))).toEqual(UPSERT_V2);
    });

    it('reads a writer schema that differs from ours but resolves (field order, extra field, no docs)', () => {
      const writer = {
        type: 'record',
        name: 'VectorUpsert',
        namespace: 'jadevectordb',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'extra', type: 'int' },
          { name: 'database', type: 'string' },
          { name: 'values', type: 'bytes' },
        ],
      };
      const body = Buffer.concat([avroString('x/y'), avroLong(7), avroString('movies'), avroBytes(Buffer.from(new Float32Array([1.5]).buffer))]);
      const withIds = RecordCodec.load({ schemaIds: { 7: writer } });
      expect(withIds.decode(Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), body]))).toEqual({
        type: 'vector-upsert',
        database: 'movies',
        id: 'x/y',
        values: new Float32Array([1.5]),
        metadata: null,
      });
    });

    it('refuses at load a static id whose schema is not one of ours or does not resolve', () => {
      const foreign = { type: 'record', name: 'com.acme.Upsert', fields: [{ name: 'id', type: 'string' }] };
      expect(jadeErrorOf(() => RecordCodec.load({ schemaIds: { 1: foreign } })).code).toBe('JADE_ERR_CONFIG_INVALID');
      const missingField = { type: 'record', name: 'jadevectordb.VectorUpsert', fields: [{ name: 'id', type: 'string' }] };
      expect(jadeErrorOf(() => RecordCodec.load({ schemaIds: { 1: missingField } })).code).toBe('JADE_ERR_CONFIG_INVALID');
      expect(jadeErrorOf(() => RecordCodec.load({ schemaIds: { 1: '{not json' } })).code).toBe('JADE_ERR_CONFIG_INVALID');
      expect(jadeErrorOf(() => RecordCodec.load({ schemaIds: { [-1]: 'jadevectordb.VectorUpsert' } })).code).toBe('JADE_ERR_CONFIG_INVALID');
    });

    describe('with a schema registry', () => {
      const requests: string[] = [];
      let answers: Record<string, { status: number; body: unknown }> = {};
      const server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const answer = answers[req.url ?? ''] ?? { status: 404, body: { error_code: 40403, message: 'Schema not found' } };
        res.writeHead(answer.status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
        res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      });
      let url: string;

      beforeAll(async () => {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      });
      afterAll(async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      beforeEach(() => {
        requests.length = 0;
        answers = {
          '/schemas/ids/42': { status: 200, body: { schema: schemaText('vector-upsert.avsc') } },
          '/schemas/ids/41': { status: 200, body: { schema: v1Schema, schemaType: 'AVRO' } },
          '/schemas/ids/43': { status: 200, body: { schema: JSON.stringify({ type: 'record', name: 'com.acme.Upsert', fields: [] }) } },
          '/schemas/ids/44': { status: 200, body: { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' } },
          '/schemas/ids/45': { status: 200, body: { schema: '{broken' } },
          '/schemas/ids/50': { status: 500, body: { error_code: 50001, message: 'boom' } },
          '/schemas/ids/51': { status: 200, body: 'not json' },
        };
      });
      const withId = (id: number, base = 'vector-upsert.v2.confluent-id-42.bin'): Buffer => {
        const value = Buffer.from(fixture(base));
        value.writeInt32BE(id, 1);
        return value;
      };

      it('makes sync decode throw a retriable lookup error, then decodes after one fetch, cached for good', async () => {
        const registryCodec = RecordCodec.load({ registryUrl: url });
        const err = jadeErrorOf(() => registryCodec.decode(withId(42)));
        expect(err.code).toBe('JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED');
        expect(err.retriable).toBe(true);
        expect(err.context.schemaId).toBe(42);
        const decoded = await Promise.all([1, 2, 3].map(() => registryCodec.decodeAsync(withId(42))));
        expect(decoded).toEqual([UPSERT_V2, UPSERT_V2, UPSERT_V2]);
        expect(registryCodec.decode(withId(42))).toEqual(UPSERT_V2);
        expect(await registryCodec.resolveSchemaId(41)).toBe('vector-upsert');
        expect(registryCodec.decode(fixture('vector-upsert.v1.confluent-id-41.bin'))).toEqual(UPSERT_V1_EXPECTED);
        expect(requests).toEqual(['/schemas/ids/42', '/schemas/ids/41']);
        // Single-object records never touch the registry.
        expect(registryCodec.decode(fixture('vector-upsert.v2.bin'))).toEqual(UPSERT_V2);
        expect(requests).toHaveLength(2);
      });

      it('sends the configured headers and works with a base path', async () => {
        const seen: (string | undefined)[] = [];
        const fakeFetch = (input: string, init?: RequestInit): Promise<Response> => {
          seen.push(input, new Headers(init?.headers).get('authorization') ?? undefined);
          return Promise.resolve(new Response(JSON.stringify({ schema: schemaText('vector-upsert.avsc') }), { status: 200 }));
        };
        const registryCodec = RecordCodec.load({ registryUrl: 'https://registry.example/sr/', registryHeaders: { authorization: 'Basic abc' }, fetch: fakeFetch as typeof fetch });
        expect(await registryCodec.decodeAsync(withId(42))).toEqual(UPSERT_V2);
        expect(seen).toEqual(['https://registry.example/sr/schemas/ids/42', 'Basic abc']);
      });

      it.each([
        [404, 'JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID', false],
        [43, 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE', false],
        [44, 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE', false],
        [45, 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE', false],
        [50, 'JADE_ERR_CODEC_REGISTRY_UNAVAILABLE', true],
        [51, 'JADE_ERR_CODEC_REGISTRY_UNAVAILABLE', true],
      ] as [number, ErrorCode, boolean][])('id %s fails with %s (retriable: %s)', async (id, code, retriable) => {
        const registryCodec = RecordCodec.load({ registryUrl: url });
        const err = await asyncJadeErrorOf(registryCodec.decodeAsync(withId(id)));
        expect([err.code, err.retriable]).toEqual([code, retriable]);
        // A permanent answer is remembered; a 404 or an outage is asked again next time.
        const again = jadeErrorOf(() => registryCodec.decode(withId(id)));
        expect(again.code).toBe(code === 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE' ? code : 'JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED');
      });

      it('reports an unreachable registry as retriable', async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const registryCodec = RecordCodec.load({ registryUrl: `http://127.0.0.1:${port}` });
        const err = await asyncJadeErrorOf(registryCodec.decodeAsync(withId(42)));
        expect([err.code, err.retriable]).toEqual(['JADE_ERR_CODEC_REGISTRY_UNAVAILABLE', true]);
      });

      it('gives up on a registry slower than registryTimeoutMs', async () => {
        const never = (_input: unknown, init?: RequestInit): Promise<Response> =>
          new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
        const registryCodec = RecordCodec.load({ registryUrl: url, registryTimeoutMs: 20, fetch: never });
        const err = await asyncJadeErrorOf(registryCodec.resolveSchemaId(42));
        expect([err.code, err.retriable]).toEqual(['JADE_ERR_CODEC_REGISTRY_UNAVAILABLE', true]);
      });

      it('refuses a bad registry URL at load', () => {
        expect(jadeErrorOf(() => RecordCodec.load({ registryUrl: 'not a url' })).code).toBe('JADE_ERR_CONFIG_INVALID');
      });
    });
  });
});

describe('interop with a Python producer (test/fixtures/interop/produce_upserts.py)', () => {
  const python = spawnSync('python3', ['-c', 'import avro'], { encoding: 'utf8' });
  const available = python.status === 0;
  if (!available) {
    console.warn(`Skipping the Python interop test: python3 with the avro package is not available (pip install avro==1.12.2). ${python.stderr ?? ''}`);
  }
  (available ? it : it.skip)('decodes every record the Python producer wrote, with keys that match', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jade-interop-'));
    try {
      const out = path.join(dir, 'upserts.tsv');
      const run = spawnSync('python3', [path.join(ROOT, 'test/fixtures/interop/produce_upserts.py'), '--count', '300', '--database', 'interop', '--dim', '12', '--out', out], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const codec = RecordCodec.load();
      const lines = readFileSync(out, 'utf8').split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(300);
      lines.forEach((line, i) => {
        const [key, value] = line.split('\t');
        const record = codec.decode(Buffer.from(value!, 'base64'));
        expect(record.type).toBe('vector-upsert');
        const upsertRecord = record as VectorUpsertRecord;
        expect(key).toBe(`interop/py-${i}`);
        expect(keyForRecord(record)).toBe(key);
        expect(upsertRecord.values).toHaveLength(12);
        expect(upsertRecord.values.every((x) => Number.isFinite(x) && x >= -1 && x <= 1)).toBe(true);
        expect(upsertRecord.metadata).toEqual({ i, source: 'python' });
      });
      // Deterministic: the same seed writes the same bytes.
      const again = path.join(dir, 'again.tsv');
      spawnSync('python3', [path.join(ROOT, 'test/fixtures/interop/produce_upserts.py'), '--count', '300', '--database', 'interop', '--dim', '12', '--out', again]);
      expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isJadeError on codec failures', () => {
  it('lets callers branch on the code', () => {
    const codec = RecordCodec.load();
    try {
      codec.decode(Buffer.from([0x42]));
    } catch (err) {
      expect(isJadeError(err, 'JADE_ERR_CODEC_BAD_MAGIC')).toBe(true);
      expect((err as JadeError).statusCode).toBe(400);
      return;
    }
    throw new Error('decode did not throw');
  });
});
