/**
 * The shard host: what it counts as it applies (every record per partition, the write-to-visible delay of live
 * writes only, since a replay's records are as old as the log, and how long each partition took to recover, and from
 * what), partitions opened side by side, and erasure work only when a dropped database awaits it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { vectorKey } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';
import { ApplyMetrics, ShardHost } from '../../src/node/shard-host';
import { InProcessShardRuntime, type OpenShardRequest, type OpenedShard, type ShardRuntime } from '../../src/node/shard-runtime';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const P = 2;

async function counted(metrics: ApplyMetrics): Promise<{ applied: number[]; visible: number }> {
  const applied = [0, 0];
  for (const v of (await metrics.recordsApplied.get()).values) applied[Number(v.labels.partition)] = v.value;
  const count = (await metrics.writeVisible.get()).values.find((v) => v.metricName === 'jade_write_visible_seconds_count');
  return { applied, visible: count?.value ?? 0 };
}

/** Opens only once every partition's open has begun (so they must run side by side), and counts erasure queries. */
class WatchedRuntime extends InProcessShardRuntime {
  erasureQueries = 0;
  private readonly begun = new Set<number>();
  private allBegun: () => void = () => undefined;
  private readonly everyOpenBegun = new Promise<void>((resolve) => (this.allBegun = resolve));

  constructor(private readonly partitions: number) {
    super();
  }

  override async open(request: OpenShardRequest): Promise<OpenedShard> {
    this.begun.add(request.partition);
    if (this.begun.size === this.partitions) this.allBegun();
    await this.everyOpenBegun;
    return super.open(request);
  }

  override erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): ReturnType<InProcessShardRuntime['erasureIds']> {
    this.erasureQueries += 1;
    return super.erasureIds(partition, incarnation, options);
  }
}

describe('shard host', () => {
  let dir: string;
  let backbone: EmbeddedBackbone;
  let catalog: CatalogReader;
  let topics: Awaited<ReturnType<typeof ensureTopics>>;
  const hosts: ShardHost[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-host-metrics-'));
    backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
    await lifecycle.create({ name: 'docs', dimension: 2, metric: 'euclidean', m: 8, efConstruction: 50, efSearch: 20, description: null, createdAtMs: 0 });
  });

  afterAll(async () => {
    for (const host of hosts) await host.stop();
    await catalog?.stop();
    await backbone?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = async (from: number, to: number): Promise<number[]> => {
    const acks = await backbone.produce(
      topics.names.vectors,
      Array.from({ length: to - from }, (_, i) => ({
        key: Buffer.from(vectorKey('docs', `v${from + i}`)),
        value: codec.encode({ type: 'vector-upsert', database: 'docs', id: `v${from + i}`, values: Float32Array.from([from + i, 1]), metadata: null }),
      })),
    );
    const per = [0, 0];
    for (const ack of acks) per[ack.partition]! += 1;
    return per;
  };

  const start = async (
    metrics: ApplyMetrics,
    runtime: ShardRuntime = new InProcessShardRuntime(),
    replicaGroup = 1,
    extra: Partial<ConstructorParameters<typeof ShardHost>[0]> = {},
  ): Promise<ShardHost> => {
    const host = new ShardHost({
      backbone,
      codec,
      catalog,
      runtime,
      topics: topics.names,
      vectors: topics.vectors,
      topicPrefix: 'jade',
      dataDir: path.join(dir, `node-g${replicaGroup}`),
      nodeId: 'n1',
      replicaGroup,
      metrics,
      ...extra,
    });
    hosts.push(host);
    await host.start();
    await waitFor(() => host.ready(), { what: 'host ready' });
    return host;
  };

  it('counts replayed records without timing them, then times live writes; a restart recovers from snapshots', async () => {
    const before = await write(0, 200);
    const ends = await backbone.endOffsets(topics.names.vectors);
    const metrics = new ApplyMetrics();
    const host = await start(metrics);

    // Recovery replayed everything from offset 0 (markers included): counted, not timed.
    let seen = await counted(metrics);
    expect(seen.applied).toEqual(ends);
    expect(seen.visible).toBe(0);
    for (const status of host.status()) {
      expect(status.recoverySource).toBe('replay');
      expect(status.recoveryDurationMs).toBeGreaterThanOrEqual(0);
    }

    const live = await write(200, 290);
    await waitFor(() => host.status().every((s) => s.lag === 0 && s.nextOffset === ends[s.partition]! + live[s.partition]!), { what: 'live writes applied' });
    seen = await counted(metrics);
    expect(seen.applied).toEqual([ends[0]! + live[0]!, ends[1]! + live[1]!]);
    expect(seen.visible).toBe(90);
    expect(before[0]! + before[1]!).toBe(200);

    // Stopping snapshots every partition; a new host starts from those snapshots and has nothing to replay.
    await host.stop();
    const again = new ApplyMetrics();
    const restarted = await start(again);
    for (const status of restarted.status()) {
      expect(status.recoverySource).toBe('snapshot');
      expect(status.recoveryDurationMs).toBeGreaterThanOrEqual(0);
    }
    expect((await counted(again)).applied).toEqual([0, 0]);
  }, 30_000);

  it('opens its partitions side by side, and asks a shard for ids to erase only when a dropped database awaits it', async () => {
    // Replica group 0 (the one that erases), on its own data directory: a replay of everything so far.
    const runtime = new WatchedRuntime(P);
    const host = await start(new ApplyMetrics(), runtime, 0);
    const ends = await backbone.endOffsets(topics.names.vectors);
    expect(host.status().map((s) => s.nextOffset)).toEqual(ends);
    const queriesBefore = runtime.erasureQueries;
    const live = await write(1000, 1200);
    await waitFor(() => host.status().every((s) => s.lag === 0 && s.nextOffset === ends[s.partition]! + live[s.partition]!), { what: 'live writes applied' });
    expect(runtime.erasureQueries).toBe(queriesBefore);

    // A drop still gets its tombstones and erased markers written by group 0.
    await new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P }).drop('docs');
    const beforeDrop = ends.map((end, p) => end + live[p]!);
    // Each partition gets the drop marker, a tombstone per id it holds and the erased marker, and applies them all.
    await waitFor(
      async () => {
        const now = await backbone.endOffsets(topics.names.vectors);
        return host.status().every((s) => now[s.partition]! > beforeDrop[s.partition]! + 2 && s.nextOffset === now[s.partition] && s.awaitingErasure.length === 0);
      },
      { what: 'erasure', timeoutMs: 20_000 },
    );
    expect(runtime.erasureQueries).toBeGreaterThan(queriesBefore);
    expect(host.status().every((s) => s.databases.length === 0)).toBe(true);
  }, 30_000);

  it('snapshots after every snapshotEveryRecords records or half the shard, whichever is more', async () => {
    await new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P }).create({
      name: 'snaps',
      dimension: 2,
      metric: 'euclidean',
      m: 8,
      efConstruction: 50,
      efSearch: 20,
      description: null,
      createdAtMs: 0,
    });
    const snapshots = [0, 0];
    const runtime = new (class extends InProcessShardRuntime {
      override snapshotParts(partition: number, storeFile: string, indexDir: string): ReturnType<InProcessShardRuntime['snapshotParts']> {
        snapshots[partition]! += 1;
        return super.snapshotParts(partition, storeFile, indexDir);
      }
    })();
    const host = await start(new ApplyMetrics(), runtime, 3, { snapshotEveryRecords: 10 });
    snapshots.fill(0);
    const written = [0, 0];
    for (let batch = 0; batch < 40; batch++) {
      const acks = await backbone.produce(
        topics.names.vectors,
        Array.from({ length: 10 }, (_, i) => {
          const id = `s${batch * 10 + i}`;
          return { key: Buffer.from(vectorKey('snaps', id)), value: codec.encode({ type: 'vector-upsert', database: 'snaps', id, values: Float32Array.from([batch, i]), metadata: null }) };
        }),
      );
      for (const ack of acks) written[ack.partition]! += 1;
      const ends = await backbone.endOffsets(topics.names.vectors);
      await waitFor(() => host.status().every((s) => s.nextOffset === ends[s.partition]), { what: 'batch applied' });
    }
    // About 200 vectors per partition: a snapshot every 10 records would take about 20; at half the shard's size
    // (10, 20, 30, 45, 68, 102, 153, ...) it takes about 7.
    for (const p of [0, 1]) {
      expect(written[p]).toBeGreaterThan(120);
      expect(snapshots[p]).toBeGreaterThanOrEqual(4);
      expect(snapshots[p]).toBeLessThanOrEqual(10);
    }
  }, 60_000);
});
