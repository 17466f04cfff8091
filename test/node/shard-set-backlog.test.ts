/**
 * ShardSet's background indexer: applied vectors are searchable at once, linked into the graph between requests,
 * and applying waits (back-pressure on the log's consumer) only while a shard's backlog is over its limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsumedRecord } from '../../src/log/backbone';
import { RecordCodec } from '../../src/log/codec';
import { partitionForKey } from '../../src/log/murmur2';
import { markerKey, vectorKey, type DatabaseDefinition } from '../../src/log/records';
import { CatalogState } from '../../src/catalog/catalog-state';
import { ShardSet } from '../../src/node/shard-runtime';
import { Shard } from '../../src/shard/shard';
import { clusteredVectors } from '../helpers/vectors';

const codec = RecordCodec.load();
const P = 2;
const PARTITION = 0;
const DIM = 16;
const definition: DatabaseDefinition = { name: 'docs', dimension: DIM, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: 0 };

/** A create marker, then `count` upserts of ids that land in PARTITION. */
function records(vectors: Float32Array[]): { records: ConsumedRecord[]; ids: string[] } {
  const out: ConsumedRecord[] = [];
  const ids: string[] = [];
  const push = (key: string, value: Buffer): void => {
    out.push({ topic: 'v', partition: PARTITION, offset: out.length, key: Buffer.from(key), value, headers: {}, timestamp: 0 });
  };
  push(markerKey('docs', 0, 'create'), codec.encode({ type: 'database-marker', kind: 'create', database: 'docs', incarnation: 0, definition }));
  for (let i = 0; ids.length < vectors.length; i++) {
    const id = `v${i}`;
    if (partitionForKey(vectorKey('docs', id), P) !== PARTITION) continue;
    push(vectorKey('docs', id), codec.encode({ type: 'vector-upsert', database: 'docs', id, values: vectors[ids.length]!, metadata: null }));
    ids.push(id);
  }
  return { records: out, ids };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ShardSet background indexing', () => {
  let dir: string;
  let set: ShardSet;
  const vectors = clusteredVectors({ count: 2_000, dimension: DIM, seed: 5 });
  const { records: log, ids } = records(vectors);

  const openSet = async (backlog: { maxValues?: number; catchUpMaxValues?: number; sliceMs?: number }): Promise<void> => {
    set = new ShardSet({}, backlog);
    set.applyCatalog(0, { type: 'database-event', eventType: 'create', name: 'docs', definition, requestId: null, timestampMs: 0 });
    await set.open({ partition: PARTITION, partitionCount: P, dir });
  };
  const nearest = (i: number): string | undefined => set.search(PARTITION, 'docs', { vector: vectors[i]!, topK: 1 })[0]?.id;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-shardset-'));
  });
  afterEach(async () => {
    await set.closeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers searches from the backlog at once and links it in the background', async () => {
    await openSet({});
    const result = await set.apply(PARTITION, log, { catalogComplete: true });
    expect(result.consumed).toBe(log.length);
    expect(set.backlog(PARTITION)).toBe(2_000);
    for (const i of [0, 1_000, 1_999]) expect(nearest(i)).toBe(ids[i]);
    await until(() => set.backlog(PARTITION) === 0, 'the backlog to be linked');
    expect(set.databases(PARTITION)[0]).toMatchObject({ count: 2_000, elementCount: 2_000, backlog: 0 });
    for (const i of [0, 1_000, 1_999]) expect(nearest(i)).toBe(ids[i]);
  });

  it('holds an apply over the limit until the backlog is within it, serving searches meanwhile', async () => {
    const limitVectors = 100;
    await openSet({ maxValues: limitVectors * DIM, sliceMs: 1 });
    let searchesWhileWaiting = 0;
    let wrongAnswers = 0;
    let applied = false;
    const searcher = (): void => {
      if (applied) return;
      const backlog = set.backlog(PARTITION);
      if (backlog > limitVectors) {
        searchesWhileWaiting += 1;
        const i = searchesWhileWaiting % ids.length;
        if (nearest(i) !== ids[i]) wrongAnswers += 1;
      }
      setImmediate(searcher);
    };
    setImmediate(searcher);
    await set.apply(PARTITION, log, { catalogComplete: true });
    applied = true;
    expect(set.backlog(PARTITION)).toBeLessThanOrEqual(limitVectors);
    expect(searchesWhileWaiting).toBeGreaterThan(10);
    expect(wrongAnswers).toBe(0);
    await until(() => set.backlog(PARTITION) === 0, 'the rest of the backlog');
  });

  it('lets a catching-up partition run its backlog up to the catch-up limit without waiting', async () => {
    await openSet({ maxValues: 100 * DIM, catchUpMaxValues: 10_000 * DIM });
    await set.apply(PARTITION, log, { catalogComplete: true, catchingUp: true });
    // Resolved at once: nothing was linked in between, and every vector is served from the backlog.
    expect(set.backlog(PARTITION)).toBe(2_000);
    expect(nearest(1_234)).toBe(ids[1_234]);
    await until(() => set.backlog(PARTITION) === 0, 'the backlog to be linked');
  });

  it('reopens a shard without index files with its stored vectors in the backlog, searchable at once', async () => {
    set = new ShardSet();
    const catalog = new CatalogState();
    catalog.apply(0, { type: 'database-event', eventType: 'create', name: 'docs', definition, requestId: null, timestampMs: 0 });
    const options = { partition: PARTITION, partitionCount: P, dir, codec, catalog };
    const first = Shard.open(options);
    first.apply(log, { catalogComplete: true });
    await first.close();
    const reopened = Shard.open(options);
    expect(reopened.databases()[0]).toMatchObject({ count: 2_000, backlog: 2_000, elementCount: 0 });
    expect(reopened.search('docs', { vector: vectors[7]!, topK: 1 })[0]!.id).toBe(ids[7]);
    expect(reopened.indexBacklog(Number.POSITIVE_INFINITY)).toBe(0);
    expect(reopened.databases()[0]).toMatchObject({ count: 2_000, backlog: 0, elementCount: 2_000 });
    expect(reopened.search('docs', { vector: vectors[7]!, topK: 1 })[0]!.id).toBe(ids[7]);
    await reopened.close();
  });
});
