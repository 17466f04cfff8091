/**
 * Outside producers interoperate (DESIGN.md, "Topics"): records encoded by an independent Avro implementation
 * (Apache Avro for Python, test/fixtures/interop/produce_upserts.py) and produced by another Kafka client (Java's own
 * KafkaProducer with its default partitioner, integration/interop/InteropProducer.java) decode with our RecordCodec
 * after being consumed through our KafkaBackbone, and every record sits in the partition `partitionForKey` predicts.
 *
 * The keys are 1,000 ASCII ones from Python and 1,000 generated here with non-ASCII ids (2- to 4-byte UTF-8, '/'
 * inside ids, long ids, every key length mod 4), so Java's murmur2 and ours are compared on 2,000 keys, P = 7.
 * The same keys produced through our KafkaBackbone land in the same partitions as Java put them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { RecordCodec } from '../src/log/codec';
import { murmur2, partitionForKey } from '../src/log/murmur2';
import { parseVectorKey, vectorKey, type VectorUpsertRecord } from '../src/log/records';
import { readUntil } from '../test/contract/backbone-contract';
import { randomName } from '../test/helpers/wait';
import { ensureKafkaJars } from './kafka/local-kafka';
import { testBrokers } from './harness/env';

const run = promisify(execFile);

const ROOT = path.resolve(__dirname, '..');
const PYTHON_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'interop', 'produce_upserts.py');
const JAVA_PRODUCER = path.join(ROOT, 'integration', 'interop', 'InteropProducer.java');
const P = 7;
const DATABASE = 'interop';
const DIM = 8;
const PYTHON_COUNT = 1_000;
const UNICODE_COUNT = 1_000;

interface Line {
  key: string;
  value: Buffer;
  /** `python` records were encoded by Apache Avro for Python; `jade` ones by our codec (for the non-ASCII keys). */
  source: 'python' | 'jade';
  /** Index within its source (the `i` of its metadata). */
  i: number;
}

/** A small seeded PRNG (mulberry32), so the generated ids are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ids mixing ASCII with 2-, 3- and 4-byte UTF-8 (Latin, Greek, Cyrillic, Hebrew, Arabic, CJK, kana, Hangul, emoji,
 * astral symbols, combining marks), '/' inside ids, and some long ones; never NUL, TAB, CR or LF (the line format).
 */
function unicodeIds(count: number): string[] {
  const pools = [
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/ ',
    'éßøÅñüçÆœ', // 2-byte UTF-8
    'λΩπжЯщשעب', // 2-byte UTF-8
    '向量数据库ベクトル한국어€™', // 3-byte UTF-8
    '\u0301\u0308\u200d\u2028\ufeff\uffff', // combining marks, ZWJ, line separator, BOM, a noncharacter: still valid UTF-8
  ];
  const astral = ['😀', '🚀', '🧪', '𝄞', '🏳️‍🌈', '𠜎', '👩‍👩‍👧'];
  const rand = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const ids = new Set<string>();
  while (ids.size < count) {
    const long = ids.size % 50 === 0;
    const length = long ? 60 + Math.floor(rand() * 60) : 1 + Math.floor(rand() * 16);
    let id = '';
    for (let c = 0; c < length; c++) {
      const r = rand();
      id += r < 0.1 ? pick(astral) : pick([...pick(pools)]);
    }
    // Some ids must start or end with a non-ASCII character, some contain '/' (legal in ids).
    if (ids.size % 7 === 0) id = `ü/${id}`;
    if (Buffer.byteLength(id, 'utf8') > 512) continue;
    try {
      vectorKey(DATABASE, id);
    } catch {
      continue; // e.g. a lone combining mark is fine, but guard anyway
    }
    ids.add(id);
  }
  return [...ids];
}

function valuesFor(i: number): Float32Array {
  return Float32Array.from({ length: DIM }, (_, d) => Math.sin(i * 31 + d) * 0.5);
}

describe('interop with outside producers (Python Avro + Java KafkaProducer)', () => {
  let backbone: KafkaBackbone;
  let codec: RecordCodec;
  let dir: string;
  let lines: Line[];
  const prefix = randomName('jade-interop');
  const topic = `${prefix}.vectors`;
  const ours = `${prefix}.vectors-ours`;
  /** Partition Java's producer reported for each line. */
  const javaPartition = new Map<string, number>();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-interop-'));
    codec = RecordCodec.load();
    backbone = await KafkaBackbone.connect({ brokers: testBrokers(), groupPrefix: prefix, sessionTimeoutMs: 6_000 });

    // 1. Records encoded by Apache Avro's Python implementation.
    const pyFile = path.join(dir, 'python.tsv');
    let t = Date.now();
    await run('python3', [PYTHON_FIXTURE, '--count', String(PYTHON_COUNT), '--database', DATABASE, '--dim', String(DIM), '--out', pyFile], { timeout: 30_000 });
    timings.pythonMs = Date.now() - t;
    lines = fs.readFileSync(pyFile, 'utf8').split('\n').filter((l) => l !== '').map((l, i) => {
      const [key, b64] = l.split('\t');
      return { key: key!, value: Buffer.from(b64!, 'base64'), source: 'python' as const, i };
    });
    expect(lines).toHaveLength(PYTHON_COUNT);

    // 2. Non-ASCII keys, their values encoded by our codec (the value must name the key's id).
    unicodeIds(UNICODE_COUNT).forEach((id, i) => {
      const record: VectorUpsertRecord = { type: 'vector-upsert', database: DATABASE, id, values: valuesFor(i), metadata: { i, source: 'jade' } };
      lines.push({ key: vectorKey(DATABASE, id), value: codec.encode(record), source: 'jade', i });
    });
    expect(new Set(lines.map((l) => l.key)).size).toBe(PYTHON_COUNT + UNICODE_COUNT);
    expect(lines.filter((l) => Buffer.byteLength(l.key, 'utf8') !== l.key.length).length).toBeGreaterThanOrEqual(UNICODE_COUNT * 0.9);
    // The tail of murmur2 (key length mod 4) is where ports go wrong: every case is covered.
    const tails = new Set(lines.map((l) => Buffer.byteLength(l.key, 'utf8') % 4));
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
    const allFile = path.join(dir, 'all.tsv');
    fs.writeFileSync(allFile, lines.map((l) => `${l.key}\t${l.value.toString('base64')}\n`).join(''), 'utf8');

    // 3. The topic, created by our backbone.
    await backbone.ensureTopic({ name: topic, partitions: P, replicationFactor: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } });
    await backbone.ensureTopic({ name: ours, partitions: P, replicationFactor: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } });

    // 4. Java's KafkaProducer, default partitioner, acks=all, idempotent; run with the single-file source launcher.
    const { classpath } = await ensureKafkaJars();
    t = Date.now();
    let stdout: string;
    try {
      ({ stdout } = await run('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', classpath, JAVA_PRODUCER, testBrokers().join(','), topic, allFile], {
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      }));
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`InteropProducer failed: ${e.message}\n${(e.stdout ?? '').split('\n').slice(-3).join('\n')}\n${(e.stderr ?? '').slice(-4000)}`);
    }
    timings.javaMs = Date.now() - t;
    const out = stdout.trimEnd().split('\n');
    expect(out[out.length - 1]).toBe(`acknowledged=${lines.length} failed=0`);
    for (const row of out.slice(0, -1)) {
      const [tag, index, partition] = row.split('\t');
      expect(tag).toBe('ack');
      javaPartition.set(lines[Number(index)]!.key, Number(partition));
    }
    expect(javaPartition.size).toBe(lines.length);
    timings.setupMs = Date.now() - t0;
  }, 120_000);

  afterAll(async () => {
    await backbone?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    console.log(`interop timings: ${JSON.stringify(timings)}`);
  }, 30_000);

  it(`Java's default partitioner and partitionForKey agree on ${PYTHON_COUNT + UNICODE_COUNT} keys (P = ${P})`, () => {
    const disagreements = lines
      .filter((l) => javaPartition.get(l.key) !== partitionForKey(l.key, P))
      .map((l) => ({ key: l.key, java: javaPartition.get(l.key), ours: partitionForKey(l.key, P) }));
    expect(disagreements).toEqual([]);
    // The keys tell partitioners apart: `Math.abs(hash) % P` (a common porting mistake) would disagree on some.
    expect(lines.some((l) => Math.abs(murmur2(Buffer.from(l.key, 'utf8'))) % P !== javaPartition.get(l.key))).toBe(true);
    // Every partition got keys of both kinds, so the comparison is not vacuous.
    for (const source of ['python', 'jade'] as const) {
      const used = new Set(lines.filter((l) => l.source === source).map((l) => javaPartition.get(l.key)));
      expect(used.size).toBe(P);
    }
  });

  it('consumed through KafkaBackbone, every record decodes with RecordCodec and sits in its predicted partition', async () => {
    const t = Date.now();
    const ends = await backbone.endOffsets(topic);
    expect(ends.reduce((a, b) => a + b, 0)).toBe(lines.length);
    const consumed = [...(await readUntil(backbone, topic, randomName(`${prefix}-read`), ends)).values()].flat();
    timings.consumeMs = Date.now() - t;
    expect(consumed).toHaveLength(lines.length);

    const byKey = new Map(lines.map((l) => [l.key, l]));
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const record of consumed) {
      const key = record.key!.toString('utf8');
      const line = byKey.get(key);
      if (line === undefined || seen.has(key)) {
        problems.push(`unexpected or repeated key ${JSON.stringify(key)}`);
        continue;
      }
      seen.add(key);
      if (record.partition !== partitionForKey(record.key!, P)) problems.push(`${key}: partition ${record.partition}, predicted ${partitionForKey(record.key!, P)}`);
      // The bytes travelled unchanged through the Java client, the broker and KafkaJS.
      if (!record.value!.equals(line.value)) problems.push(`${key}: value bytes differ from what was sent`);
      const decoded = codec.decode(record.value!);
      if (decoded.type !== 'vector-upsert') {
        problems.push(`${key}: decoded as ${decoded.type}`);
        continue;
      }
      const { database, id } = parseVectorKey(record.key!);
      if (decoded.database !== database || decoded.id !== id) problems.push(`${key}: value names ${decoded.database}/${decoded.id}`);
      if (decoded.values.length !== DIM || !decoded.values.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)) problems.push(`${key}: bad values`);
      if (line.source === 'python') {
        if (id !== `py-${line.i}`) problems.push(`${key}: id ${id}`);
        expect(decoded.metadata).toEqual({ i: line.i, source: 'python' });
      } else {
        expect(decoded.metadata).toEqual({ i: line.i, source: 'jade' });
        expect(decoded.values).toEqual(valuesFor(line.i));
      }
      // Avro binary is deterministic: our encoder writes exactly the bytes Apache Avro for Python wrote.
      if (!codec.encode(decoded).equals(record.value!)) problems.push(`${key}: re-encoding with our codec gives other bytes`);
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBe(lines.length);
  }, 60_000);

  it('our KafkaBackbone puts the same keys in the same partitions as Java did', async () => {
    const acks = await backbone.produce(ours, lines.map((l) => ({ key: Buffer.from(l.key, 'utf8'), value: l.value })));
    expect(acks).toHaveLength(lines.length);
    const disagreements = lines
      .map((l, i) => ({ key: l.key, java: javaPartition.get(l.key), ours: acks[i]!.partition }))
      .filter((d) => d.java !== d.ours);
    expect(disagreements).toEqual([]);
    // And the broker agrees with the acks: per-partition counts of both topics match.
    expect(await backbone.endOffsets(ours)).toEqual(await backbone.endOffsets(topic));
  }, 60_000);
});
