/**
 * Dead letters on a real Kafka (DESIGN.md invariant 4): a partition poisoned with records that do not decode, fail
 * their schema, have the wrong dimension or non-finite values, sit in a partition other than their key's, name a
 * database that is not live, or name another id than their key. Exactly those records reach `<prefix>.vectors.dlq`
 * (key `<partition>/<offset>`) with their reason code, every valid record around them is applied, and a full
 * replay by a fresh node of replica group 0 re-emits the same set of keys (readers dedupe by key).
 */
import { CatalogReader } from '../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import type { ProduceRecord } from '../src/log/backbone';
import { readerGroup } from '../src/log/backbone';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { partitionForKey } from '../src/log/murmur2';
import { deadLetterKey, markerKey, vectorKey, type DeadLetterRecord, type JsonObject } from '../src/log/records';
import { ensureTopics, type TopicNames } from '../src/log/topics';
import type { ShardVector } from '../src/shard/shard';
import { readUntil } from '../test/contract/backbone-contract';
import { seededRandom } from '../test/helpers/vectors';
import { randomName } from '../test/helpers/wait';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const P = 4;
const DIM = 8;
const DB = 'dl';
const ROUNDS = 3;

type Expected = Map<string, { values: number[]; metadata: JsonObject } | null>;

interface Poison {
  kind: string;
  reasonCode: string;
  record: ProduceRecord;
}

async function readAll(node: IndexNodeProcess): Promise<Map<string, ShardVector>> {
  const all = new Map<string, ShardVector>();
  for (let p = 0; p < P; p++) {
    let after: string | undefined;
    for (;;) {
      const page = await node.reads.scroll(p, DB, { limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const v of page) all.set(v.id, v);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.id;
    }
  }
  return all;
}

function sameData(stored: Map<string, ShardVector>, expected: Expected): boolean {
  const live = [...expected].filter(([, v]) => v !== null);
  return (
    stored.size === live.length &&
    live.every(([id, want]) => {
      const got = stored.get(id);
      return got !== undefined && JSON.stringify(got.values) === JSON.stringify(want!.values) && JSON.stringify(got.metadata) === JSON.stringify(want!.metadata);
    })
  );
}

describe('dead letters (real Kafka)', () => {
  const brokers = testBrokers();
  const prefix = randomName('dlq');
  const codec = RecordCodec.load();
  let backbone: KafkaBackbone;
  let catalog: CatalogReader;
  let names: TopicNames;
  const nodes: IndexNodeProcess[] = [];

  beforeAll(async () => {
    backbone = await KafkaBackbone.connect({ brokers, groupPrefix: prefix });
    const topics = await ensureTopics(backbone, { topicPrefix: prefix, partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 7 * 86_400_000 });
    names = topics.names;
    catalog = new CatalogReader({ backbone, codec, topic: names.databases, groupPrefix: prefix });
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: names, partitions: P });
    await lifecycle.create({ name: DB, dimension: DIM, metric: 'cosine', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: Date.now() });
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) {
      await node.kill('SIGKILL');
      node.remove();
    }
    await catalog?.stop();
    await backbone?.close();
  }, 60_000);

  /** Reads the whole dead-letter topic with a fresh group: every record, and the last one per key. */
  async function readDeadLetters(): Promise<{ total: number; byKey: Map<string, DeadLetterRecord> }> {
    const ends = await backbone.endOffsets(names.deadLetters);
    const read = await readUntil(backbone, names.deadLetters, readerGroup(prefix, 'dlq'), ends, new Map(), 60_000);
    const records = read.get(0) ?? [];
    const byKey = new Map<string, DeadLetterRecord>();
    for (const r of records) {
      const decoded = codec.decode(r.value!);
      if (decoded.type !== 'dead-letter') throw new Error(`unexpected ${decoded.type} on the dead-letter topic`);
      byKey.set(r.key!.toString('utf8'), decoded);
    }
    return { total: records.length, byKey };
  }

  it('dead-letters exactly the bad records with their reasons, applies the rest, and a full replay re-emits the same keys', async () => {
    const started = Date.now();
    const random = seededRandom(99);
    const expected: Expected = new Map();
    const vector = (n = DIM): number[] => Array.from({ length: n }, () => Math.fround(random() * 2 - 1));
    const upsertValue = (database: string, id: string, values: number[], metadata: JsonObject | null = null): Buffer =>
      codec.encode({ type: 'vector-upsert', database, id, values: Float32Array.from(values), metadata });
    const keyed = (key: string, value: Buffer | null): ProduceRecord => ({ key: Buffer.from(key), value, partition: partitionForKey(key, P) });

    let validCount = 0;
    const valid = (): ProduceRecord => {
      const id = `ok-${validCount++}`;
      const values = vector();
      const metadata = { n: validCount };
      expected.set(id, { values, metadata });
      return { key: Buffer.from(vectorKey(DB, id)), value: upsertValue(DB, id, values, metadata) };
    };
    const poisons = (round: number): Poison[] => {
      const id = (kind: string): string => `${kind}-${round}`;
      const good = (kind: string): Buffer => upsertValue(DB, id(kind), vector());
      const truncated = good('trunc');
      const unknownFingerprint = Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.from(Array.from({ length: 8 }, () => Math.floor(random() * 256))), Buffer.from([1, 2, 3])]);
      const wrongPartitionKey = vectorKey(DB, id('wp'));
      const list: Poison[] = [
        { kind: 'garbage', reasonCode: 'JADE_ERR_CODEC_BAD_MAGIC', record: keyed(vectorKey(DB, id('garbage')), Buffer.from(Array.from({ length: 40 }, (_, i) => (i === 0 ? 0xff : Math.floor(random() * 256))))) },
        { kind: 'unknown-fingerprint', reasonCode: 'JADE_ERR_CODEC_UNKNOWN_FINGERPRINT', record: keyed(vectorKey(DB, id('fp')), unknownFingerprint) },
        { kind: 'truncated', reasonCode: 'JADE_ERR_CODEC_TRUNCATED', record: keyed(vectorKey(DB, id('trunc')), truncated.subarray(0, truncated.length - 9)) },
        { kind: 'trailing-bytes', reasonCode: 'JADE_ERR_CODEC_TRAILING_BYTES', record: keyed(vectorKey(DB, id('trail')), Buffer.concat([good('trail'), Buffer.from([0])])) },
        { kind: 'unknown-schema-id', reasonCode: 'JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID', record: keyed(vectorKey(DB, id('sid')), Buffer.concat([Buffer.from([0, 0, 0, 0x30, 0x39]), good('sid').subarray(10)])) },
        { kind: 'wrong-dimension', reasonCode: 'JADE_ERR_SHARD_DIMENSION_MISMATCH', record: keyed(vectorKey(DB, id('dim')), upsertValue(DB, id('dim'), vector(DIM + 3))) },
        { kind: 'nan', reasonCode: 'JADE_ERR_SHARD_NON_FINITE', record: keyed(vectorKey(DB, id('nan')), upsertValue(DB, id('nan'), [...vector(DIM - 1), Number.NaN])) },
        { kind: 'infinity', reasonCode: 'JADE_ERR_SHARD_NON_FINITE', record: keyed(vectorKey(DB, id('inf')), upsertValue(DB, id('inf'), [Number.POSITIVE_INFINITY, ...vector(DIM - 1)])) },
        { kind: 'zero-under-cosine', reasonCode: 'JADE_ERR_SHARD_ZERO_VECTOR', record: keyed(vectorKey(DB, id('zero')), upsertValue(DB, id('zero'), new Array<number>(DIM).fill(0))) },
        { kind: 'unknown-database', reasonCode: 'JADE_ERR_SHARD_DATABASE_NOT_LIVE', record: keyed(vectorKey('nodb', id('nodb')), upsertValue('nodb', id('nodb'), vector())) },
        { kind: 'tombstone-unknown-database', reasonCode: 'JADE_ERR_SHARD_DATABASE_NOT_LIVE', record: keyed(vectorKey('nodb', id('nodbdel')), null) },
        { kind: 'id-mismatch', reasonCode: 'JADE_ERR_SHARD_KEY_MISMATCH', record: keyed(vectorKey(DB, id('idkey')), upsertValue(DB, id('idvalue'), vector())) },
        { kind: 'database-mismatch', reasonCode: 'JADE_ERR_SHARD_KEY_MISMATCH', record: keyed(vectorKey(DB, id('dbkey')), upsertValue('other', id('dbkey'), vector())) },
        { kind: 'wrong-partition', reasonCode: 'JADE_ERR_SHARD_WRONG_PARTITION', record: { key: Buffer.from(wrongPartitionKey), value: good('wp'), partition: (partitionForKey(wrongPartitionKey, P) + 1 + (round % (P - 1))) % P } },
        { kind: 'key-without-slash', reasonCode: 'JADE_ERR_KEY_INVALID', record: keyed(`noslash-${round}`, good('noslash')) },
        {
          kind: 'unexpected-type',
          reasonCode: 'JADE_ERR_SHARD_UNEXPECTED_RECORD',
          record: keyed(vectorKey(DB, id('type')), codec.encode({ type: 'database-event', eventType: 'drop', name: DB, definition: null, requestId: null, timestampMs: Date.now() })),
        },
        {
          kind: 'marker-mismatch',
          reasonCode: 'JADE_ERR_SHARD_KEY_MISMATCH',
          record: {
            key: Buffer.from(markerKey(DB, 900_000 + round, 'create')),
            value: codec.encode({ type: 'database-marker', kind: 'create', database: 'other', incarnation: 900_000 + round, definition: null }),
            partition: round % P,
          },
        },
      ];
      return list;
    };

    // Interleave: valid, poison, valid, ... in every partition; plus a void marker and deletes, which are not poison.
    const records: ProduceRecord[] = [];
    const poisoned: Poison[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const poison of poisons(round)) {
        for (let i = 0; i < 3; i++) records.push(valid());
        records.push(poison.record);
        poisoned.push(poison);
      }
      // A marker the catalog does not confirm is void: ignored, never a dead letter.
      records.push({
        key: Buffer.from(markerKey(DB, 800_000 + round, 'create')),
        value: codec.encode({ type: 'database-marker', kind: 'create', database: DB, incarnation: 800_000 + round, definition: null }),
        partition: (round + 1) % P,
      });
      const victim = `ok-${validCount - 5}`;
      records.push({ key: Buffer.from(vectorKey(DB, victim)), value: null });
      expected.set(victim, null);
      for (let i = 0; i < 10; i++) records.push(valid());
    }
    const acks = await backbone.produce(names.vectors, records);
    const wanted = new Map<string, { kind: string; reasonCode: string }>();
    for (const poison of poisoned) {
      const ack = acks[records.indexOf(poison.record)]!;
      wanted.set(deadLetterKey(ack.partition, ack.offset), { kind: poison.kind, reasonCode: poison.reasonCode });
    }
    const poisonedPartitions = new Set([...wanted.keys()].map((k) => k.split('/')[0]));
    expect(poisonedPartitions.size).toBe(P);
    const ends = await backbone.endOffsets(names.vectors);

    const first = new IndexNodeProcess({ brokers, prefix, nodeId: 'dl-a', partitions: P });
    // A replica in group 1 meets the same bad records but never reports them: group 0 does, once.
    const replica = new IndexNodeProcess({ brokers, prefix, nodeId: 'dl-r1', replicaGroup: 1, partitions: P });
    nodes.push(first, replica);
    await Promise.all([first.start(), replica.start()]);
    await Promise.all([first.waitReady(), replica.waitReady()]);
    const firstStatus = await first.waitCaughtUp(ends, 120_000, { ownsAll: true });
    const replicaStatus = await replica.waitCaughtUp(ends, 120_000, { ownsAll: true });
    const replicaDeadLetters = replicaStatus.partitions.reduce((sum, p) => sum + p.deadLetters, 0);
    const replicaStored = await readAll(replica);
    await replica.stop();
    const firstDeadLetters = firstStatus.partitions.reduce((sum, p) => sum + p.deadLetters, 0);
    const firstStored = await readAll(first);
    const firstRead = await readDeadLetters();

    const mismatched = (byKey: Map<string, DeadLetterRecord>): string[] =>
      [...wanted].filter(([key, want]) => {
        const got = byKey.get(key);
        return got === undefined || got.reasonCode !== want.reasonCode || deadLetterKey(got.sourcePartition, got.sourceOffset) !== key || got.sourceTopic !== names.vectors;
      }).map(([key, want]) => `${want.kind}@${key}:${byKey.get(key)?.reasonCode ?? 'missing'}`);
    const firstWrong = mismatched(firstRead.byKey);
    const firstExtra = [...firstRead.byKey.keys()].filter((k) => !wanted.has(k));

    // A full replay: the first node leaves, a fresh node of replica group 0 starts from offset 0.
    await first.stop();
    const replay = new IndexNodeProcess({ brokers, prefix, nodeId: 'dl-b', partitions: P });
    nodes.push(replay);
    await replay.start();
    await replay.waitReady();
    const replayStatus = await replay.waitCaughtUp(ends, 120_000, { ownsAll: true });
    const replayDeadLetters = replayStatus.partitions.reduce((sum, p) => sum + p.deadLetters, 0);
    const replayStored = await readAll(replay);
    const replayRead = await readDeadLetters();
    const replayWrong = mismatched(replayRead.byKey);
    const replayExtra = [...replayRead.byKey.keys()].filter((k) => !wanted.has(k));
    const reEmittedBy = new Set([...replayRead.byKey.values()].map((d) => d.nodeId));
    const live = [...expected.values()].filter((v) => v !== null).length;

    console.log(
      `dead-letter test: records=${records.length} poisoned=${wanted.size} kinds=${new Set(poisoned.map((p) => p.kind)).size} valid=${validCount} live=${live} ` +
        `firstStored=${firstStored.size} firstDeadLetters=${firstDeadLetters} replicaDeadLetters=${replicaDeadLetters} dlqRecords=${firstRead.total} dlqKeys=${firstRead.byKey.size} wrong=${firstWrong.length} extra=${firstExtra.length} ` +
        `replayStored=${replayStored.size} replayDeadLetters=${replayDeadLetters} dlqRecordsAfterReplay=${replayRead.total} dlqKeysAfterReplay=${replayRead.byKey.size} ` +
        `replayWrong=${replayWrong.length} replayExtra=${replayExtra.length} lastWriter=${[...reEmittedBy].join('+')} runtimeMs=${Date.now() - started}`,
    );

    // Exactly the poisoned records, each with its reason; everything valid applied.
    expect(firstWrong).toEqual([]);
    expect(firstExtra).toEqual([]);
    expect(firstRead.byKey.size).toBe(wanted.size);
    expect(firstRead.total).toBe(wanted.size);
    expect(firstDeadLetters).toBe(wanted.size);
    expect(sameData(firstStored, expected)).toBe(true);
    expect(replicaDeadLetters).toBe(wanted.size);
    expect(sameData(replicaStored, expected)).toBe(true);
    // The replay re-emitted every dead letter (same keys, same reasons) and built the same data.
    expect(replayDeadLetters).toBe(wanted.size);
    expect(replayRead.total).toBe(2 * wanted.size);
    expect(new Set(replayRead.byKey.keys())).toEqual(new Set(firstRead.byKey.keys()));
    expect(replayWrong).toEqual([]);
    expect(replayExtra).toEqual([]);
    expect(reEmittedBy).toEqual(new Set(['dl-b']));
    expect(sameData(replayStored, expected)).toBe(true);
  }, 180_000);
});
