import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { loadConfig } from '../../src/config/load';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { RecordCodec } from '../../src/log/codec';
import { partitionForKey } from '../../src/log/murmur2';
import { markerKey, vectorKey, type DatabaseDefinition } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';
import { silentLogger } from '../../src/logger';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { LocalRouter } from '../../src/gateway/router';
import { IndexNode } from '../../src/node/index-node';
import { readUntil } from '../contract/backbone-contract';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const definition = (name: string): DatabaseDefinition => ({
  name,
  dimension: 4,
  metric: 'euclidean',
  m: 16,
  efConstruction: 100,
  efSearch: 64,
  description: null,
  createdAtMs: 0,
});

describe.each([0, 2])('index node on the embedded log (shard threads: %i)', (shardThreads) => {
  let dir: string;
  let backbone: EmbeddedBackbone;
  let node: IndexNode;
  let lifecycle: DatabaseLifecycle;
  let catalog: CatalogReader;
  const P = 3;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-node-'));
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, partitions: P, shardThreads, logLevel: 'silent' } });
    backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    const topics = await ensureTopics(backbone, {
      topicPrefix: 'jade',
      partitions: P,
      defaultPartitions: P,
      replicationFactor: 1,
      minInsyncReplicas: 1,
      deleteRetentionMs: config.deleteRetentionMs,
    });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    node = await IndexNode.start({ config, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog });
    lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
  }, 30_000);

  afterAll(async () => {
    await node?.stop();
    await catalog?.stop();
    await backbone?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds every shard from the log and answers reads that wait for an offset', async () => {
    await lifecycle.create(definition('docs'));
    await expect(lifecycle.create(definition('docs'))).rejects.toMatchObject({ code: 'JADE_ERR_DB_EXISTS' });
    const ids = Array.from({ length: 300 }, (_, i) => `id-${i}`);
    const acks = await backbone.produce(
      'jade.vectors',
      ids.map((id, i) => ({
        key: Buffer.from(vectorKey('docs', id)),
        value: codec.encode({ type: 'vector-upsert', database: 'docs', id, values: Float32Array.from([i, 0, 0, 1]), metadata: { i } }),
      })),
    );
    await waitFor(() => node.host.ready(), { what: 'ready' });
    const last = new Map<number, number>();
    for (const ack of acks) last.set(ack.partition, Math.max(last.get(ack.partition) ?? 0, ack.offset + 1));
    let total = 0;
    for (let p = 0; p < P; p++) {
      total += await node.reads.count(p, 'docs', undefined, { minOffset: last.get(p) ?? 0 });
    }
    expect(total).toBe(300);
    const p7 = partitionForKey(vectorKey('docs', 'id-7'), P);
    expect(await node.reads.get(p7, 'docs', ['id-7'], { minOffset: last.get(p7) ?? 0 })).toMatchObject([{ id: 'id-7', values: [7, 0, 0, 1], metadata: { i: 7 } }]);
    const hits = await node.reads.search(p7, 'docs', { vector: [7, 0, 0, 1], topK: 1, exact: true });
    expect(hits[0]).toMatchObject({ id: 'id-7', score: 0, metadata: { i: 7 } });
    await expect(node.reads.search(p7, 'nope', { vector: [1, 1, 1, 1], topK: 1 })).rejects.toMatchObject({ code: 'JADE_ERR_SHARD_DATABASE_NOT_HELD' });
    await expect(node.reads.count(0, 'docs', undefined, { minOffset: 10_000, timeoutMs: 50 })).rejects.toMatchObject({ code: 'JADE_ERR_CONSISTENCY_TIMEOUT' });
  }, 30_000);

  it('sends bad records to the dead-letter topic and erases a dropped database', async () => {
    const bad = await backbone.produce('jade.vectors', [{ key: Buffer.from(vectorKey('docs', 'bad')), value: Buffer.from('garbage') }]);
    await waitFor(async () => (await backbone.endOffsets('jade.vectors.dlq'))[0]! >= 1, { what: 'dead letter' });
    expect(bad).toHaveLength(1);
    await lifecycle.drop('docs');
    // Group 0 tombstones every id and writes an erased marker in every partition.
    await waitFor(async () => {
      for (let p = 0; p < P; p++) if (node.host.status().find((s) => s.partition === p)?.lag !== 0) return false;
      const ends = await backbone.endOffsets('jade.vectors');
      return ends.reduce((a, b) => a + b, 0) >= 300 + 1 + 2 * P + 300 + P;
    }, { what: 'erasure', timeoutMs: 20_000 });
    await expect(node.reads.count(0, 'docs', undefined)).rejects.toMatchObject({ code: 'JADE_ERR_SHARD_DATABASE_NOT_HELD' });
  }, 30_000);
});

describe('re-emitted create markers', () => {
  it('never let compaction erase the marker that precedes a database’s records (full replay keeps everything)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-remark-'));
    const P = 2;
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, partitions: P, shardThreads: 0, logLevel: 'silent' } });
    const backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    const topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: config.deleteRetentionMs });
    const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    const write = async (from: number, to: number): Promise<void> => {
      const records = [];
      for (let i = from; i < to; i++) {
        records.push({ key: Buffer.from(vectorKey('docs', `v${i}`)), value: codec.encode({ type: 'vector-upsert', database: 'docs', id: `v${i}`, values: Float32Array.from([i, 1, 1, 1]), metadata: null }) });
      }
      await backbone.produce(topics.names.vectors, records);
    };
    await new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P }).create(definition('docs'));
    await write(0, 100);
    // A gateway that restarts re-emits the create markers before its first write, after the records above.
    await new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P }).writable('docs');
    await write(100, 150);
    await backbone.compactNow();

    const replayDir = path.join(dir, 'replay');
    const replayConfig = loadConfig({ env: {}, overrides: { dataDir: replayDir, partitions: P, shardThreads: 0, logLevel: 'silent', replicaGroup: 1 } });
    const node = await IndexNode.start({ config: replayConfig, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog });
    const ends = await backbone.endOffsets(topics.names.vectors);
    let total = 0;
    for (let p = 0; p < P; p++) total += await node.reads.count(p, 'docs', undefined, { minOffset: ends[p] ?? 0 });
    expect(total).toBe(150);
    await node.stop();
    await catalog.stop();
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('go only into the partitions a create that failed part-way left without one, and nowhere once all have one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-remark-'));
    const P = 3;
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, partitions: P, shardThreads: 0, logLevel: 'silent' } });
    const backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    const topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: config.deleteRetentionMs });
    const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    // The catalog record of a create, then its marker in partition 0 only: the gateway stopped there.
    const [created] = await backbone.produce(topics.names.databases, [
      { key: Buffer.from('docs'), value: codec.encode({ type: 'database-event', eventType: 'create', name: 'docs', definition: definition('docs'), requestId: null, timestampMs: Date.now() }) },
    ]);
    await catalog.waitFor(created!.offset + 1);
    const incarnation = created!.offset;
    await backbone.produce(topics.names.vectors, [
      {
        key: Buffer.from(markerKey('docs', incarnation, 'create')),
        value: codec.encode({ type: 'database-marker', kind: 'create', database: 'docs', incarnation, definition: definition('docs') }),
        partition: 0,
      },
    ]);
    const node = await IndexNode.start({ config, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog });
    const router = new LocalRouter(node.host, node.reads, P);
    const restartedGateway = (): DatabaseLifecycle =>
      new DatabaseLifecycle({
        backbone,
        codec,
        catalog,
        topics: topics.names,
        partitions: P,
        partitionsLackingMarker: (name, inc, ends) => router.partitionsLackingDatabase(name, inc, ends, 5_000),
      });
    const createMarkers = async (): Promise<number[]> => {
      const read = await readUntil(backbone, topics.names.vectors, `markers-${Math.random()}`, await backbone.endOffsets(topics.names.vectors));
      return [...read.values()].map((records) => records.filter((r) => r.key !== null && r.key.toString('utf8').startsWith('\0m/docs/')).length);
    };

    await restartedGateway().writable('docs');
    expect(await createMarkers()).toEqual([1, 1, 1]);
    const records = Array.from({ length: 60 }, (_, i) => ({
      key: Buffer.from(vectorKey('docs', `v${i}`)),
      value: codec.encode({ type: 'vector-upsert', database: 'docs', id: `v${i}`, values: Float32Array.from([i, 1, 1, 1]), metadata: null }),
    }));
    await backbone.produce(topics.names.vectors, records);
    const ends = await backbone.endOffsets(topics.names.vectors);
    let total = 0;
    for (let p = 0; p < P; p++) total += await node.reads.count(p, 'docs', undefined, { minOffset: ends[p] ?? 0 });
    expect(total).toBe(60);
    // Every partition holds it now: the next gateway to start writes no marker at all.
    await restartedGateway().writable('docs');
    expect(await createMarkers()).toEqual([1, 1, 1]);

    await node.stop();
    await catalog.stop();
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
