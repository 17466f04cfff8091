/**
 * The history checker (test/history/histories.ts) on a real Kafka broker and the split topology: two gateways and
 * an index node, real processes. Clients alternate between the gateways, so a PATCH read through one races writes
 * through the other. A warm restart is a SIGKILL of the index node; a cold one stops it and removes its snapshots, so
 * it replays the log from offset 0, as a new replica would. Compaction is the broker's own cleaner, made eager by a short
 * segment.ms and a low dirty ratio on the vectors topic, held back by min.compaction.lag.ms as in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { ensureTopics, topicSpecs } from '../src/log/topics';
import { checkHistories, type HistoryTarget, type TargetReply } from '../test/history/histories';
import { randomName, waitFor } from '../test/helpers/wait';
import { GatewayProcess } from './harness/cluster';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const HISTORIES = Number(process.env.JADE_KAFKA_HISTORIES ?? 20);
const OPERATIONS = Number(process.env.JADE_KAFKA_HISTORY_OPERATIONS ?? 150);
const FIRST_SEED = Number(process.env.JADE_HISTORY_SEED ?? 1);
const P = 2;
/**
 * The vectors topic's min.compaction.lag.ms: the broker's cleaner runs all along (short segment.ms, low dirty ratio),
 * and may remove a record only once it is older than this, longer than an index node's SIGKILL and restart takes.
 * The processes get the same value, or they would adjust the topic to their own.
 */
const COMPACTION_LAG_MS = 15_000;
const LAG_ENV = { JADE_MIN_COMPACTION_LAG_MS: String(COMPACTION_LAG_MS) };

describe('histories on Kafka, two gateways and an index node', () => {
  const prefix = randomName('hist');
  const brokers = testBrokers();
  const gateways = [0, 1].map((i) => new GatewayProcess({ brokers, prefix, name: `hist-gw${i}`, partitions: P, env: LAG_ENV }));
  const node = new IndexNodeProcess({ brokers, prefix, nodeId: 'hist-node', partitions: P, env: { ...LAG_ENV, JADE_SNAPSHOT_EVERY_RECORDS: '60', JADE_SHARD_THREADS: '1' } });

  /** The test's own client of the broker: it makes the topics and reads the log's end offsets. */
  let backbone: KafkaBackbone;
  let vectorsTopic: string;

  beforeAll(async () => {
    // The vectors topic is made here, with an eager cleaner; the processes find it and keep its extra configs.
    backbone = await KafkaBackbone.connect({ brokers, groupPrefix: prefix });
    const layout = { partitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 7 * 86_400_000, minCompactionLagMs: COMPACTION_LAG_MS };
    const vectors = topicSpecs(prefix, layout).vectors;
    vectorsTopic = vectors.name;
    await backbone.ensureTopic({ ...vectors, configs: { ...vectors.configs, 'segment.ms': '200', 'min.cleanable.dirty.ratio': '0.01' } });
    await ensureTopics(backbone, { ...layout, topicPrefix: prefix, defaultPartitions: P });
    await node.start();
    for (const g of gateways) await g.start();
    await node.waitReady();
    for (const g of gateways) await g.waitReady();
  }, 180_000);

  afterAll(async () => {
    for (const g of gateways) await g.kill('SIGTERM');
    await node.stop();
    node.remove();
    await backbone?.close();
  });

  it(`${HISTORIES} histories of ${OPERATIONS} operations: no violation`, async () => {
    let serial = 0;
    let turn = 0;
    const newTarget = (): Promise<HistoryTarget> => {
      const database = `h${(serial += 1)}`;
      const target: HistoryTarget = {
        database,
        async request(method, url, body): Promise<TargetReply> {
          const gateway = gateways[(turn += 1) % gateways.length]!;
          try {
            const reply = await gateway.request(method, url, body, 30_000);
            return { status: reply.status, body: reply.body };
          } catch {
            return { status: 0, body: null }; // no reply: the outcome is unknown
          }
        },
        async compact(): Promise<void> {
          await settled();
        },
        async restart({ cold }): Promise<void> {
          // A warm restart is a crash; a cold one stops cleanly (the member leaves its group at once instead of after
          // its session timeout) and loses its snapshots, so it replays the log from offset 0.
          await node.kill(cold ? 'SIGTERM' : 'SIGKILL');
          if (cold) fs.rmSync(path.join(node.dataDir, 'snapshots'), { recursive: true, force: true });
          await node.start();
          await node.waitReady(120_000);
          for (const g of gateways) await g.waitReady();
        },
        async close(): Promise<void> {
          await gateways[0]!.request('DELETE', `/v1/databases/${database}`);
        },
      };
      return Promise.resolve(target);
    };
    // Compaction may remove a record only past min.compaction.lag.ms, by when every record has been applied and
    // replica group 0 has settled every id: the checker's compaction steps wait for that before the cleaner may run.
    // (The lag a node reports trails the log's end by up to a poll: compare with the end offsets themselves.)
    const settled = (): Promise<unknown> =>
      waitFor(async () => {
        const ends = await backbone.endOffsets(vectorsTopic);
        const status = await node.reads.status();
        return status.partitions.length === P && status.partitions.every((p) => p.nextOffset >= (ends[p.partition] ?? 0) && (p.unsettled ?? 0) === 0);
      }, { timeoutMs: 60_000, what: 'every record applied and every id settled' });
    const lines: string[] = [];
    const result = await checkHistories({ histories: HISTORIES, firstSeed: FIRST_SEED, operations: OPERATIONS, clients: 3, restartWeight: 1, shrinkAttempts: 10 }, newTarget, (line) => lines.push(line));
    process.stdout.write(
      `kafka histories=${result.histories} operations=${result.operations} violations=${result.violations.length} ` +
        `secondsPerHistory=${(result.seconds / result.histories).toFixed(2)} seeds=${FIRST_SEED}..${FIRST_SEED + HISTORIES - 1}\n`,
    );
    expect(lines).toEqual([]);
  }, 900_000);
});
