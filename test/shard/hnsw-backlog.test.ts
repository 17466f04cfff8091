/**
 * The deferred-indexing backlog of VectorIndex: points upserted with `defer` are searchable at once (an exact scan
 * merged into every search), linked into the graph later, and survive a write and load in either state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorIndex, type Metric, type ValueSource, type VectorIndexParams } from '../../src/shard/hnsw-index';
import { bruteForceTopK, clusteredVectors, recallAtK, seededRandom } from '../helpers/vectors';

const DIM = 32;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'jade-backlog-'));
}

/** A store standing in for the shard's: the index reads linked points' values from it (mode `value source`). */
class MapSource implements ValueSource {
  readonly rows = new Map<number, Float32Array>();
  read(label: number, into: Float32Array): boolean {
    const values = this.rows.get(label);
    if (values !== undefined) into.set(values);
    return values !== undefined;
  }
  scan(visit: (label: number, values: Float32Array) => void): void {
    for (const [label, values] of this.rows) visit(label, values);
  }
}

/** An index and the calls that keep its store (when it has one) in step, as the shard's apply does. */
interface Subject {
  index: VectorIndex;
  source: MapSource | undefined;
  upsert(label: number, values: Float32Array, options?: { defer?: boolean }): void;
  remove(label: number): boolean;
}

function subject(mode: 'own copy' | 'value source', params: VectorIndexParams): Subject {
  const source = mode === 'value source' ? new MapSource() : undefined;
  return wrap(VectorIndex.create(params, source === undefined ? {} : { values: source }), source);
}

function wrap(index: VectorIndex, source: MapSource | undefined): Subject {
  return {
    index,
    source,
    upsert: (label, values, options) => {
      source?.rows.set(label, values);
      index.upsert(label, values, options);
    },
    remove: (label) => {
      source?.rows.delete(label);
      return index.remove(label);
    },
  };
}

describe.each(['own copy', 'value source'] as const)('VectorIndex backlog (deferred indexing), values: %s', (mode) => {
  const data = clusteredVectors({ count: 3_200, dimension: DIM, seed: 4711 });
  const points = data.slice(0, 3_000);
  const queries = data.slice(3_000);

  it('makes deferred points searchable at once, links them on indexBacklog, and keeps recall', () => {
    const { index, upsert } = subject(mode, { metric: 'cosine', dimension: DIM });
    for (let label = 0; label < 1_000; label++) upsert(label, points[label]!);
    for (let label = 1_000; label < 3_000; label++) upsert(label, points[label]!, { defer: true });
    expect(index.size()).toBe(3_000);
    expect(index.backlog()).toBe(2_000);
    expect(index.elementCount()).toBe(1_000);
    // Each point finds itself first, whether it is in the graph or in the backlog.
    for (const label of [0, 999, 1_000, 2_999]) expect(index.search(points[label]!, 1)[0]!.label).toBe(label);
    const truth = queries.map((q) => bruteForceTopK('cosine', points, q, 10));
    const recall = (): number => queries.reduce((sum, q, i) => sum + recallAtK(index.search(q, 10), truth[i]!), 0) / queries.length;
    const before = recall();
    expect(before).toBeGreaterThanOrEqual(0.95);

    // A deadline already past still links a few points: progress never stalls.
    const left = index.indexBacklog(0);
    expect(left).toBeLessThan(2_000);
    expect(left).toBeGreaterThan(1_900);
    expect(index.indexBacklog(Number.POSITIVE_INFINITY)).toBe(0);
    expect(index.backlog()).toBe(0);
    expect(index.elementCount()).toBe(3_000);
    expect(recall()).toBeGreaterThanOrEqual(0.95);
    for (const q of queries.slice(0, 20)) expect(index.search(q, 10, { exact: true })).toEqual(bruteForceTopK('cosine', points, q, 10));
    index.close();
  });

  it('never returns two versions of a point updated while it waits, and deletes waiting points at once', () => {
    const { index, upsert, remove } = subject(mode, { metric: 'euclidean', dimension: DIM });
    for (let label = 0; label < 500; label++) upsert(label, points[label]!);
    // Move label 7 onto point 2,000: the graph's old version must not answer for it any more.
    upsert(7, points[2_000]!, { defer: true });
    const near = index.search(points[7]!, 5);
    expect(near.map((h) => h.label)).not.toContain(7);
    const moved = index.search(points[2_000]!, 5);
    expect(moved[0]).toEqual({ label: 7, score: 0 });
    expect(new Set(moved.map((h) => h.label)).size).toBe(moved.length);
    // Deleting a waiting point hides it and frees its label.
    upsert(600, points[600]!, { defer: true });
    expect(remove(600)).toBe(true);
    expect(index.has(600)).toBe(false);
    expect(index.search(points[600]!, 3).map((h) => h.label)).not.toContain(600);
    expect(index.backlog()).toBe(1);
    index.indexBacklog(Number.POSITIVE_INFINITY);
    expect(index.search(points[2_000]!, 1)[0]).toEqual({ label: 7, score: 0 });
    expect(index.search(points[7]!, 5).map((h) => h.label)).not.toContain(7);
    index.close();
  });

  it('matches a model under random deferred and immediate upserts, removes and backlog slices', () => {
    for (const metric of ['cosine', 'dot', 'euclidean'] as Metric[]) {
      const random = seededRandom(99);
      const { index, upsert, remove } = subject(mode, { metric, dimension: DIM, initialCapacity: 16 });
      const model = new Map<number, Float32Array>();
      for (let step = 0; step < 4_000; step++) {
        const roll = random();
        const label = Math.floor(random() * 400);
        if (roll < 0.45) {
          const values = points[Math.floor(random() * points.length)]!;
          upsert(label, values, { defer: true });
          model.set(label, values);
        } else if (roll < 0.6) {
          const values = points[Math.floor(random() * points.length)]!;
          upsert(label, values);
          model.set(label, values);
        } else if (roll < 0.8) {
          expect(remove(label)).toBe(model.delete(label));
        } else if (roll < 0.85) {
          index.indexBacklog(0);
        }
        if (step % 200 === 0) {
          expect(index.size()).toBe(model.size);
          const query = queries[step % queries.length]!;
          if (model.size > 0) expect(index.search(query, 10, { exact: true })).toEqual(bruteForceTopK(metric, model, query, 10));
          // Approximate results are live points with their current scores, each once.
          const found = index.search(query, 10);
          expect(new Set(found.map((h) => h.label)).size).toBe(found.length);
          for (const hit of found) expect(model.has(hit.label)).toBe(true);
        }
      }
      index.indexBacklog(Number.POSITIVE_INFINITY);
      expect(index.backlog()).toBe(0);
      for (const label of model.keys()) expect(index.has(label)).toBe(true);
      expect(index.elementCount()).toBeGreaterThanOrEqual(model.size);
      for (const q of queries.slice(0, 10)) expect(index.search(q, 10, { exact: true })).toEqual(bruteForceTopK(metric, model, q, 10));
      index.close();
    }
  });

  it('writes and loads an index with a backlog, which stays searchable and is linked after loading', async () => {
    const dir = tempDir();
    try {
      const { index, upsert, remove, source } = subject(mode, { metric: 'cosine', dimension: DIM });
      for (let label = 0; label < 800; label++) upsert(label, points[label]!);
      for (let label = 800; label < 1_200; label++) upsert(label, points[label]!, { defer: true });
      upsert(5, points[1_500]!, { defer: true }); // an update waiting, its old version deleted in the graph
      remove(810);
      const file = path.join(dir, 'index.hnsw');
      await index.writeTo(file);
      const loaded = VectorIndex.load(file, { metric: 'cosine', dimension: DIM }, source === undefined ? {} : { values: source });
      expect(loaded.size()).toBe(index.size());
      expect(loaded.backlog()).toBe(index.backlog());
      for (const q of queries.slice(0, 30)) {
        expect(loaded.search(q, 10)).toEqual(index.search(q, 10));
        expect(loaded.search(q, 10, { exact: true })).toEqual(index.search(q, 10, { exact: true }));
      }
      expect(loaded.allocateLabel()).toBe(index.allocateLabel());
      expect(loaded.indexBacklog(Number.POSITIVE_INFINITY)).toBe(0);
      expect(loaded.search(points[1_500]!, 1)[0]!.label).toBe(5);
      expect(loaded.has(810)).toBe(false);
      loaded.close();
      index.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not link while writing, and compaction links everything', async () => {
    const dir = tempDir();
    try {
      const { index, upsert } = subject(mode, { metric: 'dot', dimension: DIM });
      for (let label = 0; label < 300; label++) upsert(label, points[label]!, { defer: true });
      const writing = index.writeTo(path.join(dir, 'index.hnsw'));
      expect(index.indexBacklog(Number.POSITIVE_INFINITY)).toBe(300);
      await writing;
      index.compact();
      expect(index.backlog()).toBe(0);
      expect(index.elementCount()).toBe(300);
      for (const q of queries.slice(0, 10)) expect(index.search(q, 5, { exact: true })).toEqual(bruteForceTopK('dot', points.slice(0, 300), q, 5));
      index.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('VectorIndex with a value source', () => {
  const points = clusteredVectors({ count: 500, dimension: DIM, seed: 12 });

  it('keeps no copy of linked values: it scores with what the source holds', () => {
    const { index, upsert, source } = subject('value source', { metric: 'euclidean', dimension: DIM });
    for (let label = 0; label < 500; label++) upsert(label, points[label]!);
    // A source that disagrees with the graph shows in the scores: they come from the source, not from a copy.
    source!.rows.set(3, points[4]!);
    expect(index.search(points[4]!, 2, { exact: true }).map((h) => h.score)).toEqual([0, 0]);
    index.close();
  });

  it('refuses to answer exactly when the source lacks a linked point', () => {
    const { index, upsert, source } = subject('value source', { metric: 'dot', dimension: DIM });
    for (let label = 0; label < 100; label++) upsert(label, points[label]!);
    source!.rows.delete(42);
    let code: unknown;
    try {
      index.search(points[0]!, 5, { exact: true });
    } catch (err) {
      code = (err as { code?: unknown }).code;
    }
    expect(code).toBe('JADE_ERR_INDEX_VALUES_MISSING');
    index.close();
  });
});
