/**
 * Memory under churn, on a real Kafka with the index node in its own process (so its RSS is its own): ten rounds
 * of upserting and then deleting the same 20,000 ids (128-d) must keep the node's RSS after each round's upserts
 * within 1.5x of the first round's, and the HNSW graph's element count (slots, deleted ones included) within 1.5x of
 * the live count: deleted labels and their graph slots are reused rather than grown.
 */
import fs from 'node:fs';
import { CatalogReader } from '../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { vectorKey } from '../src/log/records';
import { ensureTopics } from '../src/log/topics';
import type { IndexNodeStatus } from '../src/node/remote-shard-reads';
import { seededRandom } from '../test/helpers/vectors';
import { randomName } from '../test/helpers/wait';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const P = 4;
const DIM = 128;
const IDS = 20_000;
const ROUNDS = 10;
const BATCH = 1_000;
const DB = 'churn';

/** Resident set size of a process in bytes (`VmRSS`), and its anonymous and file-backed parts, from `/proc/<pid>/status`. */
function rss(pid: number): { total: number; anon: number; file: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { total: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') };
}

/** Live vectors and graph slots of the database, summed over the node's partitions. */
function indexCounts(status: IndexNodeStatus): { live: number; elements: number } {
  let live = 0;
  let elements = 0;
  for (const partition of status.partitions) {
    for (const db of partition.databases) {
      if (db.name !== DB) continue;
      live += db.count;
      elements += db.elementCount;
    }
  }
  return { live, elements };
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

describe('index node memory under upsert/delete churn (real Kafka)', () => {
  const brokers = testBrokers();
  const prefix = randomName('churn');
  const codec = RecordCodec.load();
  let backbone: KafkaBackbone;
  let catalog: CatalogReader;
  let node: IndexNodeProcess | undefined;

  beforeAll(async () => {
    backbone = await KafkaBackbone.connect({ brokers, groupPrefix: prefix });
    const topics = await ensureTopics(backbone, { topicPrefix: prefix, partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 7 * 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: prefix });
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
    await lifecycle.create({ name: DB, dimension: DIM, metric: 'euclidean', m: 8, efConstruction: 32, efSearch: 64, description: null, createdAtMs: Date.now() });
  }, 60_000);

  afterAll(async () => {
    await node?.kill('SIGKILL');
    node?.remove();
    await catalog?.stop();
    await backbone?.close();
  }, 60_000);

  it('keeps RSS and the graph bounded over ten rounds of upserting and deleting the same ids', async () => {
    node = new IndexNodeProcess({ brokers, prefix, nodeId: 'churn-a', partitions: P });
    await node.start();
    await node.waitReady();
    const pid = node.pid!;
    const idleRss = rss(pid);

    const ids = Array.from({ length: IDS }, (_, i) => `id-${i}`);
    const keys = ids.map((id) => Buffer.from(vectorKey(DB, id)));
    const random = seededRandom(2024);
    const rounds: { rssUpserted: { total: number; anon: number; file: number }; rssDeleted: number; live: number; elements: number; liveAfterDelete: number; elementsAfterDelete: number; upsertMs: number; deleteMs: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = Date.now();
      // Fresh values every round, the same ids.
      for (let i = 0; i < IDS; i += BATCH) {
        await backbone.produce(
          `${prefix}.vectors`,
          ids.slice(i, i + BATCH).map((id, j) => ({
            key: keys[i + j]!,
            value: codec.encode({
              type: 'vector-upsert',
              database: DB,
              id,
              values: Float32Array.from({ length: DIM }, () => random() * 2 - 1),
              metadata: { round },
            }),
          })),
        );
      }
      const upserted = indexCounts(await node.waitCaughtUp(await backbone.endOffsets(`${prefix}.vectors`), 180_000, { ownsAll: true }));
      const rssUpserted = rss(pid);
      const upsertMs = Date.now() - started;

      for (let i = 0; i < IDS; i += BATCH) {
        await backbone.produce(`${prefix}.vectors`, keys.slice(i, i + BATCH).map((key) => ({ key, value: null })));
      }
      const deleted = indexCounts(await node.waitCaughtUp(await backbone.endOffsets(`${prefix}.vectors`), 180_000, { ownsAll: true }));
      rounds.push({
        rssUpserted,
        rssDeleted: rss(pid).total,
        live: upserted.live,
        elements: upserted.elements,
        liveAfterDelete: deleted.live,
        elementsAfterDelete: deleted.elements,
        upsertMs,
        deleteMs: Date.now() - started - upsertMs,
      });
    }

    const first = rounds[0]!;
    const rssRatios = rounds.map((r) => r.rssUpserted.total / first.rssUpserted.total);
    const elementRatios = rounds.map((r) => r.elements / r.live);
    console.log(
      [
        `memoryChurn: ${ROUNDS} rounds x ${IDS} ids x ${DIM}-d, P=${P}; idle RSS ${mib(idleRss.total)} MiB`,
        ...rounds.map(
          (r, i) =>
            `  round ${i + 1}: RSS after upserts ${mib(r.rssUpserted.total)} MiB (x${rssRatios[i]!.toFixed(3)} of round 1; anon ${mib(r.rssUpserted.anon)}, file ${mib(r.rssUpserted.file)}), after deletes ${mib(r.rssDeleted)} MiB; ` +
            `live ${r.live}, elements ${r.elements} (x${elementRatios[i]!.toFixed(3)} of live); after deletes live ${r.liveAfterDelete}, elements ${r.elementsAfterDelete}; ${r.upsertMs} + ${r.deleteMs} ms`,
        ),
        `  max RSS ratio ${Math.max(...rssRatios).toFixed(3)}, max element/live ratio ${Math.max(...elementRatios).toFixed(3)}`,
      ].join('\n'),
    );
    for (const r of rounds) {
      expect(r.live).toBe(IDS);
      expect(r.liveAfterDelete).toBe(0);
    }
    expect(Math.max(...rssRatios)).toBeLessThanOrEqual(1.5);
    expect(Math.max(...elementRatios)).toBeLessThanOrEqual(1.5);
  }, 600_000);
});
