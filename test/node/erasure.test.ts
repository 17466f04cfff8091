/**
 * Replica group 0 erases a dropped database from every partition (docs/architecture.md, "Database lifecycle"): a
 * tombstone per id, then the `erased` marker, written once; an erasure that fails is retried until it is written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { loadConfig } from '../../src/config/load';
import { jadeError } from '../../src/errors';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import type { ProduceRecord } from '../../src/log/backbone';
import { isReservedKey, parseMarkerKey, parseVectorKey, vectorKey } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';
import { silentLogger } from '../../src/logger';
import { partitionForKey } from '../../src/log/murmur2';
import { IndexNode } from '../../src/node/index-node';
import { InProcessShardRuntime, type ShardRuntime } from '../../src/node/shard-runtime';
import { ERASURE_HEADER } from '../../src/shard/shard';
import { InterceptedBackbone } from '../helpers/intercepted-backbone';
import { readLog } from '../helpers/read-log';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const P = 2;
const definition = { name: 'docs', dimension: 2, metric: 'euclidean' as const, m: 8, efConstruction: 50, efSearch: 20, description: null, createdAtMs: 0 };

const erasing = (records: ProduceRecord[]): boolean => records.some((r) => r.headers?.[ERASURE_HEADER] !== undefined);

describe('erasure by replica group 0', () => {
  let dir: string;
  let embedded: EmbeddedBackbone;
  let backbone: InterceptedBackbone;
  let topics: Awaited<ReturnType<typeof ensureTopics>>;
  let catalog: CatalogReader;
  let node: IndexNode | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-node-erasure-'));
    embedded = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    backbone = new InterceptedBackbone(embedded);
    topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
  });

  const start = async (runtime?: ShardRuntime): Promise<void> => {
    const config = loadConfig({ env: {}, overrides: { dataDir: path.join(dir, 'node'), partitions: P, shardThreads: 0, logLevel: 'silent', replicaGroup: 0 } });
    node = await IndexNode.start({ config, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog, ...(runtime === undefined ? {} : { runtime }) });
  };

  afterEach(async () => {
    backbone.hook = undefined;
    await node?.stop();
    node = undefined;
    await catalog.stop();
    await embedded.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Creates `docs` with `count` vectors, drops it, and waits until every partition has applied its erasure. */
  const createFillDrop = async (count: number, erasureTimeoutMs = 30_000): Promise<void> => {
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
    await lifecycle.create(definition);
    for (let from = 0; from < count; from += 1000) {
      const ids = Array.from({ length: Math.min(1000, count - from) }, (_, i) => `v${from + i}`);
      await embedded.produce(
        topics.names.vectors,
        ids.map((id, i) => ({ key: Buffer.from(vectorKey('docs', id)), value: codec.encode({ type: 'vector-upsert', database: 'docs', id, values: Float32Array.from([from + i + 1, 1]), metadata: null }) })),
      );
    }
    const ends = await embedded.endOffsets(topics.names.vectors);
    await waitFor(() => node!.host.status().every((s) => s.nextOffset === ends[s.partition]), { what: 'vectors applied' });
    await lifecycle.drop('docs');
    await waitFor(async () => {
      const now = await embedded.endOffsets(topics.names.vectors);
      const status = node!.host.status();
      return status.length === P && status.every((s) => s.nextOffset === now[s.partition] && s.nextOffset > ends[s.partition]! && s.awaitingErasure.length === 0);
    }, { what: 'erasure applied', timeoutMs: erasureTimeoutMs });
  };

  /** Per partition: the ids tombstoned by the erasure (in log order) and how many erased markers were written. */
  const erasureOnLog = async (): Promise<{ tombstoned: string[]; erasedMarkers: number }[]> =>
    (await readLog(embedded, topics.names.vectors)).map((records) => ({
      tombstoned: records.filter((r) => r.value === null && r.headers[ERASURE_HEADER]?.toString() === '0').map((r) => parseVectorKey(r.key!).id),
      erasedMarkers: records.filter((r) => r.key !== null && isReservedKey(r.key) && r.key[1] === 0x6d && parseMarkerKey(r.key).kind === 'erased').length,
    }));

  it('retries an erasure whose write failed, until it is written', async () => {
    let failures = 0;
    backbone.hook = (topic, records) => {
      if (topic === topics.names.vectors && erasing(records) && failures === 0) {
        failures += 1;
        throw jadeError('JADE_ERR_LOG_PRODUCE_FAILED', ['injected']);
      }
    };
    await start();
    await createFillDrop(50);
    expect(failures).toBe(1);
    const onLog = await erasureOnLog();
    expect(onLog.map((p) => p.erasedMarkers)).toEqual([1, 1]);
    expect(onLog.flatMap((p) => p.tombstoned).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`).sort());
  }, 60_000);

  it('lists and tombstones the ids of a database larger than a page one page at a time, then writes the marker once', async () => {
    // Every page of ids the shard hands over, by partition.
    const pages: number[][] = [[], []];
    await start(
      new (class extends InProcessShardRuntime {
        override async erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): Promise<string[]> {
          const ids = await super.erasureIds(partition, incarnation, options);
          pages[partition]!.push(ids.length);
          return ids;
        }
      })(),
    );
    const produced: number[] = [];
    backbone.hook = (topic, records) => {
      if (topic === topics.names.vectors && erasing(records)) produced.push(records.length);
    };
    const count = 3000;
    await createFillDrop(count);
    const onLog = await erasureOnLog();
    const all = Array.from({ length: count }, (_, i) => `v${i}`);
    for (let p = 0; p < P; p++) {
      const held = all.filter((id) => partitionForKey(vectorKey('docs', id), P) === p);
      expect(held.length).toBeGreaterThan(1000);
      // Each id exactly once, in pages of at most 1000 ids.
      expect(onLog[p]!.tombstoned).toHaveLength(held.length);
      expect(new Set(onLog[p]!.tombstoned)).toEqual(new Set(held));
      expect(onLog[p]!.erasedMarkers).toBe(1);
      expect(pages[p]!.length).toBeGreaterThan(1);
      expect(Math.max(...pages[p]!)).toBeLessThanOrEqual(1000);
      expect(pages[p]!.reduce((a, b) => a + b, 0)).toBe(held.length);
    }
    expect(Math.max(...produced)).toBeLessThanOrEqual(1000);
  }, 60_000);

  it('resumes a failed erasure after the last page the log acknowledged', async () => {
    await start();
    const pages = [0, 0];
    let failed = false;
    backbone.hook = (topic, records) => {
      if (topic !== topics.names.vectors || !erasing(records)) return;
      // The second page of tombstones of a partition fails, once.
      const partition = partitionForKey(records[0]!.key, P);
      pages[partition]! += 1;
      if (pages[partition] === 2 && !failed) {
        failed = true;
        throw jadeError('JADE_ERR_LOG_PRODUCE_FAILED', ['injected']);
      }
    };
    const count = 2500;
    await createFillDrop(count);
    const onLog = await erasureOnLog();
    expect(failed).toBe(true);
    const tombstoned = onLog.flatMap((p) => p.tombstoned);
    // Every id once: the retry did not tombstone the first page again.
    expect(tombstoned).toHaveLength(count);
    expect(new Set(tombstoned).size).toBe(count);
    expect(onLog.map((p) => p.erasedMarkers)).toEqual([1, 1]);
  }, 60_000);

  it('does not retry an erasure whose error retrying cannot mend', async () => {
    let failures = 0;
    backbone.hook = (topic, records) => {
      if (topic === topics.names.vectors && erasing(records)) {
        failures += 1;
        throw jadeError('JADE_ERR_LOG_RECORD_TOO_LARGE', [2 << 20, 1 << 20]);
      }
    };
    await start();
    await expect(createFillDrop(50, 4_000)).rejects.toThrow(/erasure applied/);
    // One attempt per partition, none repeated although the end-offset poll ran every second meanwhile.
    expect(failures).toBe(P);
    expect(node!.host.status().map((s) => s.awaitingErasure.length)).toEqual([1, 1]);
  }, 60_000);
});
