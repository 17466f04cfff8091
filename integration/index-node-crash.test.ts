/**
 * Index node crash test on a real Kafka: writes flow while the index node is killed with SIGKILL three times
 * and restarted. Afterwards it must hold every acknowledged write and nothing never sent, and equal a fresh full
 * replay of the log (identical data; top-10 agreement of at least 99%).
 */
import { CatalogReader } from '../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { vectorKey, type JsonObject } from '../src/log/records';
import { ensureTopics } from '../src/log/topics';
import type { ShardVector } from '../src/shard/shard';
import { randomName } from '../test/helpers/wait';
import { seededRandom } from '../test/helpers/vectors';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const P = 4;
const DIM = 16;
const UPSERTS = 50_000;
const DELETES = 5_000;
const BATCH = 500;

async function readAll(node: IndexNodeProcess, database: string): Promise<Map<string, ShardVector>> {
  const all = new Map<string, ShardVector>();
  for (let p = 0; p < P; p++) {
    let after: string | undefined;
    for (;;) {
      const page = await node.reads.scroll(p, database, { limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const v of page) all.set(v.id, v);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.id;
    }
  }
  return all;
}

describe('index node crash and recovery (real Kafka)', () => {
  const brokers = testBrokers();
  const prefix = randomName('crash');
  const codec = RecordCodec.load();
  let backbone: KafkaBackbone;
  let catalog: CatalogReader;
  const nodes: IndexNodeProcess[] = [];

  beforeAll(async () => {
    backbone = await KafkaBackbone.connect({ brokers, groupPrefix: prefix });
    const topics = await ensureTopics(backbone, { topicPrefix: prefix, partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 7 * 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: prefix });
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
    await lifecycle.create({ name: 'crash', dimension: DIM, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: Date.now() });
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) {
      await node.kill('SIGKILL');
      node.remove();
    }
    await catalog?.stop();
    await backbone?.close();
  }, 60_000);

  it('keeps every acknowledged write through three SIGKILLs and equals a full replay', async () => {
    const node = new IndexNodeProcess({ brokers, prefix, nodeId: 'crash-a', partitions: P, env: { JADE_SNAPSHOT_EVERY_RECORDS: '3000' } });
    nodes.push(node);
    await node.start();
    await node.waitReady();

    const random = seededRandom(42);
    const expected = new Map<string, { values: number[]; metadata: JsonObject } | null>();
    const totalBatches = (UPSERTS + DELETES) / BATCH;
    const killAt = new Set<number>();
    while (killAt.size < 3) killAt.add(5 + Math.floor(random() * (totalBatches - 10)));
    let upserted = 0;
    let deleted = 0;
    let kills = 0;
    for (let batch = 0; batch < totalBatches; batch++) {
      const deleting = batch % 11 === 10 && deleted < DELETES;
      if (deleting) {
        const live = [...expected].filter(([, v]) => v !== null).map(([id]) => id);
        const victims = Array.from({ length: BATCH }, () => live[Math.floor(random() * live.length)]!);
        await backbone.produce(`${prefix}.vectors`, victims.map((id) => ({ key: Buffer.from(vectorKey('crash', id)), value: null })));
        for (const id of victims) expected.set(id, null);
        deleted += BATCH;
      } else {
        const records = Array.from({ length: BATCH }, () => {
          const id = `u-${upserted++}`;
          const values = Array.from({ length: DIM }, () => Math.fround(random() * 2 - 1));
          const metadata = { n: upserted, tag: upserted % 7 === 0 ? 'seven' : 'other' };
          expected.set(id, { values, metadata });
          return { key: Buffer.from(vectorKey('crash', id)), value: codec.encode({ type: 'vector-upsert', database: 'crash', id, values: Float32Array.from(values), metadata }) };
        });
        await backbone.produce(`${prefix}.vectors`, records);
      }
      if (killAt.has(batch)) {
        // Let the node get into the middle of something: a batch, a snapshot, a rebalance.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)));
        await node.kill('SIGKILL');
        kills += 1;
        await node.start();
      }
      if (upserted >= UPSERTS && deleted >= DELETES) break;
    }
    expect(kills).toBe(3);

    const ends = await backbone.endOffsets(`${prefix}.vectors`);
    await node.waitCaughtUp(ends, 180_000, { ownsAll: true });
    const stored = await readAll(node, 'crash');
    let lost = 0;
    let wrong = 0;
    let resurrected = 0;
    for (const [id, want] of expected) {
      const got = stored.get(id);
      if (want === null) {
        if (got !== undefined) resurrected += 1;
      } else if (got === undefined) lost += 1;
      else if (JSON.stringify(got.values) !== JSON.stringify(want.values) || JSON.stringify(got.metadata) !== JSON.stringify(want.metadata)) wrong += 1;
    }
    const neverSent = [...stored.keys()].filter((id) => !expected.has(id)).length;
    const liveExpected = [...expected.values()].filter((v) => v !== null).length;

    // A second node in another replica group replays the whole log from offset 0.
    const replay = new IndexNodeProcess({ brokers, prefix, nodeId: 'crash-replay', replicaGroup: 1, partitions: P });
    nodes.push(replay);
    await replay.start();
    await replay.waitCaughtUp(ends, 180_000, { ownsAll: true });
    const replayed = await readAll(replay, 'crash');
    const identical = replayed.size === stored.size && [...stored].every(([id, v]) => JSON.stringify(replayed.get(id)) === JSON.stringify(v));

    let agree = 0;
    let total = 0;
    const queries = Array.from({ length: 200 }, () => Array.from({ length: DIM }, () => random() * 2 - 1));
    for (const vector of queries) {
      const top = async (n: IndexNodeProcess): Promise<string[]> => {
        const hits = (await Promise.all(Array.from({ length: P }, (_, p) => n.reads.search(p, 'crash', { vector, topK: 10, includeMetadata: false })))).flat();
        return hits.sort((a, b) => a.score - b.score).slice(0, 10).map((h) => h.id);
      };
      const [a, b] = await Promise.all([top(node), top(replay)]);
      const inB = new Set(b);
      agree += a.filter((id) => inB.has(id)).length;
      total += 10;
    }
    const agreement = agree / total;
    console.log(
      `crash test: acknowledged=${expected.size} live=${liveExpected} stored=${stored.size} lost=${lost} wrong=${wrong} resurrected=${resurrected} neverSent=${neverSent} kills=${kills} replayIdentical=${identical} top10Agreement=${agreement.toFixed(4)}`,
    );
    expect({ lost, wrong, resurrected, neverSent }).toEqual({ lost: 0, wrong: 0, resurrected: 0, neverSent: 0 });
    expect(stored.size).toBe(liveExpected);
    expect(identical).toBe(true);
    expect(agreement).toBeGreaterThanOrEqual(0.99);
  }, 600_000);
});
