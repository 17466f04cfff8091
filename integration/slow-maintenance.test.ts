/**
 * On Kafka, a snapshot slower than the consumer's session timeout must not evict the index node from its group (no
 * rebalance, no partition re-opened and replayed), and a node applies its partitions' batches at the same time.
 * Snapshots run after the batch handler, with their partition paused, and the member heartbeats while a batch is
 * applied (src/node/shard-host.ts `scheduleMaintenance`, src/log/kafka-backbone.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CatalogReader } from '../src/catalog/catalog-reader';
import { loadConfig } from '../src/config/load';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import type { ConsumedRecord } from '../src/log/backbone';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { vectorKey } from '../src/log/records';
import { ensureTopics } from '../src/log/topics';
import { silentLogger } from '../src/logger';
import { IndexNode } from '../src/node/index-node';
import { InProcessShardRuntime, type ApplyOptions, type OpenShardRequest } from '../src/node/shard-runtime';
import { ForwardingShardRuntime } from '../test/helpers/forwarding-runtime';
import { randomName, waitFor } from '../test/helpers/wait';
import { testBrokers } from './harness/env';

const P = 4;
const SESSION_TIMEOUT_MS = 6_000;

/** Counts opens (a re-open means the partition was taken away and given back), overlapping applies, slow snapshots. */
class ObservedRuntime extends ForwardingShardRuntime {
  opens = 0;
  inFlight = 0;
  maxInFlight = 0;
  slowSnapshots = 0;

  override open(request: OpenShardRequest) {
    this.opens += 1;
    return this.inner.open(request);
  }
  override async apply(partition: number, records: ConsumedRecord[], options: ApplyOptions) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Long enough for batches of other partitions to arrive meanwhile, if the consumer hands them over.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return await this.inner.apply(partition, records, options);
    } finally {
      this.inFlight -= 1;
    }
  }
  override async snapshotParts(partition: number, storeFile: string, indexDir: string) {
    // The first snapshot takes longer than the session timeout.
    if (this.slowSnapshots === 0) {
      this.slowSnapshots += 1;
      await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS + 3_000));
    }
    return this.inner.snapshotParts(partition, storeFile, indexDir);
  }
}

describe('index node maintenance on Kafka', () => {
  it('a snapshot longer than the session timeout causes no rebalance, and partitions apply concurrently', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-slowsnap-'));
    const prefix = randomName('slowsnap');
    const codec = RecordCodec.load();
    const config = loadConfig({
      env: {},
      overrides: { dataDir: dir, partitions: P, shardThreads: 0, logLevel: 'silent', topicPrefix: prefix, kafkaBrokers: testBrokers(), kafkaSessionTimeoutMs: SESSION_TIMEOUT_MS, snapshotEveryRecords: 500 },
    });
    // What KafkaJS reports (warnings and errors): an evicted member learns it on its next heartbeat and rejoins.
    const kafkaLog: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void kafkaLog.push(line) });
    const backbone = await KafkaBackbone.connect({ brokers: testBrokers(), groupPrefix: prefix, sessionTimeoutMs: SESSION_TIMEOUT_MS, logger });
    const topics = await ensureTopics(backbone, { topicPrefix: prefix, partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: config.deleteRetentionMs });
    const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: prefix });
    await catalog.start();
    const runtime = new ObservedRuntime(new InProcessShardRuntime({}));
    const node = await IndexNode.start({ config, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog, runtime });
    try {
      await waitFor(() => node.host.status().length === P, { timeoutMs: 60_000, what: 'every partition assigned' });
      const opensAfterJoin = runtime.opens;
      const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
      await lifecycle.create({ name: 'docs', dimension: 4, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: 0 });
      const N = 8_000;
      for (let i = 0; i < N; i += 1_000) {
        const records = Array.from({ length: 1_000 }, (_, j) => ({
          key: Buffer.from(vectorKey('docs', `v${i + j}`)),
          value: codec.encode({ type: 'vector-upsert', database: 'docs', id: `v${i + j}`, values: Float32Array.from([i + j, 1, 1, 1]), metadata: null }),
        }));
        await backbone.produce(topics.names.vectors, records);
      }
      const ends = await backbone.endOffsets(topics.names.vectors);
      await waitFor(() => node.host.status().every((p) => p.nextOffset >= (ends[p.partition] ?? 0)), { timeoutMs: 120_000, what: 'every record applied' });
      // Past the slow snapshot and a session timeout more: an evicted member would have rejoined by now.
      await waitFor(() => runtime.slowSnapshots === 1 && node.host.status().some((p) => p.lastSnapshotOffset !== undefined), { timeoutMs: 60_000, what: 'the slow snapshot' });
      await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS));
      const counts = await Promise.all(Array.from({ length: P }, (_, p) => node.reads.count(p, 'docs', undefined)));
      const rejoins = kafkaLog.filter((line) => /rebalanc|re-join|not aware of this member|UNKNOWN_MEMBER_ID/i.test(line));
      process.stdout.write(`slow snapshot: opens=${runtime.opens} (after join ${opensAfterJoin}) rejoins=${rejoins.length} maxConcurrentApplies=${runtime.maxInFlight}\n`);
      expect(rejoins).toEqual([]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
      expect(runtime.opens).toBe(opensAfterJoin);
      expect(runtime.maxInFlight).toBeGreaterThan(1);
    } finally {
      await node.stop();
      await catalog.stop();
      await backbone.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
