/**
 * Creates and drops answer from a catalog caught up with its topic (docs/architecture.md, "Database lifecycle"): a
 * gateway whose catalog reader is behind must not decide a create or a drop on what it has not read yet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import type { DatabaseDefinition } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';

const codec = RecordCodec.load();
const P = 2;
const definition = (name: string): DatabaseDefinition => ({ name, dimension: 2, metric: 'euclidean', m: 8, efConstruction: 50, efSearch: 20, description: null, createdAtMs: 0 });

describe('database lifecycle on a catalog that is behind', () => {
  let dir: string;
  let backbone: EmbeddedBackbone;
  let topics: Awaited<ReturnType<typeof ensureTopics>>;
  const readers: CatalogReader[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-lifecycle-'));
    backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 86_400_000 });
  });

  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.stop();
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const reader = (): CatalogReader => {
    const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    readers.push(catalog);
    return catalog;
  };

  /** Starts `catalog` reading a moment from now, as a gateway whose reader is behind catches up. */
  const startLater = async (catalog: CatalogReader): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await catalog.start();
  };

  /** A gateway's lifecycle on `catalog`; every partition still awaits the erasure of any dropped name. */
  const lifecycle = (catalog: CatalogReader): DatabaseLifecycle =>
    new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P, partitionsAwaitingErasure: () => Promise.resolve(P) });

  it('a re-create waits for the erasure of a drop its gateway had not read yet', async () => {
    const current = reader();
    await current.start();
    await lifecycle(current).create(definition('docs'));
    await lifecycle(current).drop('docs');
    const catalogEnd = (await backbone.endOffsets(topics.names.databases))[0];

    // Another gateway whose catalog has read nothing yet (it starts reading a moment later).
    const behind = reader();
    const [created] = await Promise.allSettled([lifecycle(behind).create(definition('docs')), startLater(behind)]);
    expect(created).toMatchObject({ status: 'rejected', reason: { code: 'JADE_ERR_DB_ERASING' } });
    // Refused before anything was written: no create record follows the drop.
    expect((await backbone.endOffsets(topics.names.databases))[0]).toBe(catalogEnd);
  });

  it('a drop finds a database its gateway had not read yet', async () => {
    const current = reader();
    await current.start();
    await lifecycle(current).create(definition('docs'));

    const behind = reader();
    const [dropped] = await Promise.allSettled([lifecycle(behind).drop('docs'), startLater(behind)]);
    expect(dropped).toMatchObject({ status: 'fulfilled', value: { name: 'docs', incarnation: 0, droppedAt: 1 } });
  });
});
