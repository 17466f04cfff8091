/**
 * The erasure of a dropped database never deletes a re-created one's writes (docs/architecture.md, "Database
 * lifecycle"): here the drop's markers fail to reach the log, so no partition awaits the erasure, the re-create is let
 * through, and the old incarnation's erasure tombstones land after an acknowledged write of the new one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { loadConfig } from '../../src/config/load';
import { isJadeError, jadeError } from '../../src/errors';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { Gateway } from '../../src/gateway/gateway';
import { LocalRouter } from '../../src/gateway/router';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { parseMarkerKey, isReservedKey } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';
import { silentLogger } from '../../src/logger';
import { IndexNode } from '../../src/node/index-node';
import { ERASURE_HEADER } from '../../src/shard/shard';
import { InterceptedBackbone } from '../helpers/intercepted-backbone';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const P = 2;

describe('erasure after a drop whose markers were lost', () => {
  let dir: string;
  let embedded: EmbeddedBackbone;
  let backbone: InterceptedBackbone;
  let catalog: CatalogReader;
  const nodes: IndexNode[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-erasure-'));
    embedded = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    backbone = new InterceptedBackbone(embedded);
  });

  afterEach(async () => {
    backbone.hook = undefined;
    for (const node of nodes.splice(0)) await node.stop();
    await catalog?.stop();
    await embedded.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the re-created database’s writes, through a replay of the compacted log too', async () => {
    const topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    const startNode = async (replicaGroup: number): Promise<IndexNode> => {
      const config = loadConfig({ env: {}, overrides: { dataDir: path.join(dir, `g${replicaGroup}`), partitions: P, shardThreads: 0, logLevel: 'silent', replicaGroup } });
      const node = await IndexNode.start({ config, backbone, codec, topics, logger: silentLogger, serveInternalApi: false, catalog });
      nodes.push(node);
      await waitFor(() => node.host.ready(), { what: 'node ready' });
      return node;
    };
    const gatewayOn = (node: IndexNode): Gateway => {
      const router = new LocalRouter(node.host, node.reads, P);
      const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P, partitionsAwaitingErasure: (name, ends) => router.partitionsAwaitingErasure(name, ends) });
      const limits = { maxBatchSize: 1000, maxMetadataBytes: 4096, maxRecordBytes: 1 << 20, consistencyTimeoutMs: 10_000, writeLagLimit: 100_000 };
      return new Gateway({ backbone, codec, catalog, lifecycle, router, topics, limits });
    };
    const node = await startNode(0);
    const gateway = gatewayOn(node);
    const ids = Array.from({ length: 20 }, (_, i) => `v${i}`);

    await gateway.createDatabase({ name: 'docs', dimension: 2, metric: 'euclidean' });
    await gateway.upsert('docs', ids.map((id, i) => ({ id, values: [i + 1, 1] })));

    // The drop is in the catalog, but none of its markers reaches the log (drop markers are never re-emitted).
    const isMarker = (kind: string) => (records: { key: Buffer }[]): boolean => records.some((r) => isReservedKey(r.key) && parseMarkerKey(r.key).kind === kind);
    backbone.hook = (topic, records) => {
      if (topic === topics.names.vectors && isMarker('drop')(records)) throw jadeError('JADE_ERR_LOG_PRODUCE_FAILED', ['injected']);
    };
    await expect(gateway.dropDatabase('docs')).rejects.toMatchObject({ code: 'JADE_ERR_LOG_PRODUCE_FAILED' });

    // Hold the old incarnation's erasure until the new incarnation has written, so its tombstones come after.
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const restores: string[] = [];
    backbone.hook = async (topic, records) => {
      if (topic !== topics.names.vectors) return;
      if (records.some((r) => r.headers?.[ERASURE_HEADER] !== undefined)) await released;
      for (const r of records) if (r.headers?.['jade-write']?.toString() === 'restore') restores.push(r.key.toString());
    };
    const recreated = await waitFor(
      () =>
        gateway.createDatabase({ name: 'docs', dimension: 2, metric: 'euclidean' }).catch((err: unknown) => {
          if (isJadeError(err, 'JADE_ERR_DB_ERASING')) return undefined;
          throw err;
        }),
      { what: 're-create' },
    );
    expect(recreated.name).toBe('docs');
    const { token } = await gateway.upsert('docs', [{ id: 'v3', values: [7, 7], metadata: { recreated: true } }]);
    await waitFor(() => node.host.status().every((s) => s.awaitingErasure.length === 1), { what: 'erasure of the old incarnation due' });
    release();
    await waitFor(() => node.host.status().every((s) => s.awaitingErasure.length === 0 && s.lag === 0), { what: 'erasure' });

    const expected = [{ id: 'v3', values: [7, 7], metadata: { recreated: true } }];
    const strip = (vectors: { id: string; values: number[]; metadata: unknown }[]): unknown => vectors.map(({ id, values, metadata }) => ({ id, values, metadata }));
    expect(strip(await gateway.get('docs', ids, { after: token }))).toEqual(expected);
    expect(strip(await gateway.get('docs', ids, 'strong'))).toEqual(expected);
    expect(await gateway.count('docs', undefined, 'strong')).toBe(1);

    // The erasure tombstone under v3's key is newer than v3's write: group 0 writes v3's state after it, so a replay of
    // the compacted log (a new replica group, no snapshot) still has v3.
    await waitFor(() => restores.includes('docs/v3'), { what: 'restore of v3' });
    await waitFor(async () => {
      const ends = await embedded.endOffsets(topics.names.vectors);
      return node.host.status().every((s) => s.nextOffset === ends[s.partition]);
    }, { what: 'restore applied' });
    await embedded.compactNow();
    const replica = await startNode(1);
    expect(strip(await gatewayOn(replica).get('docs', ids, 'strong'))).toEqual(expected);
  }, 60_000);
});
