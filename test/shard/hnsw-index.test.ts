import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isJadeError } from '../../src/errors';
import { compileFilter } from '../../src/shard/filter';
import { VectorIndex, type IndexHit, type Metric } from '../../src/shard/hnsw-index';
import { bruteForceTopK, clusteredVectors, recallAtK, seededRandom } from '../helpers/vectors';

const DIM = 128;
const COUNT = 20_000;
const QUERIES = 200;
const K = 10;

function expectJadeError(call: () => unknown, code: Parameters<typeof isJadeError>[1]): void {
  let thrown: unknown;
  try {
    call();
  } catch (err) {
    thrown = err;
  }
  expect(isJadeError(thrown, code)).toBe(true);
}

function meanRecall(found: IndexHit[][], truth: IndexHit[][]): number {
  return found.reduce((sum, hits, i) => sum + recallAtK(hits, truth[i]!), 0) / found.length;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'jade-hnsw-'));
}

// One data set for the recall tests: points and queries drawn from the same clusters.
const all = clusteredVectors({ count: COUNT + QUERIES, dimension: DIM, seed: 20261126 });
const points = all.slice(0, COUNT);
const queries = all.slice(COUNT);

// Built once per metric and shared by the recall and filter tests (20k inserts take a few seconds each).
const built = new Map<Metric, VectorIndex>();
function indexFor(metric: Metric): VectorIndex {
  let index = built.get(metric);
  if (index === undefined) {
    index = VectorIndex.create({ metric, dimension: DIM });
    const started = performance.now();
    for (let label = 0; label < COUNT; label++) index.upsert(label, points[label]!);
    console.log(`${metric}: ${((COUNT * 1000) / (performance.now() - started)).toFixed(0)} inserts/s`);
    built.set(metric, index);
  }
  return index;
}
afterAll(() => {
  for (const index of built.values()) index.close();
});

describe.each<Metric>(['cosine', 'euclidean', 'dot'])('VectorIndex recall (%s, 20k x 128-d, defaults)', (metric) => {
  let index: VectorIndex;
  let truth: IndexHit[][];

  beforeAll(() => {
    index = indexFor(metric);
    truth = queries.map((q) => bruteForceTopK(metric, points, q, K));
  });

  it('finds >= 95% of the true top 10 over 200 queries', () => {
    const started = performance.now();
    const found = queries.map((q) => index.search(q, K));
    const qps = (QUERIES * 1000) / (performance.now() - started);
    const recall = meanRecall(found, truth);
    console.log(`recall@10 ${metric}: ${recall.toFixed(4)} (${qps.toFixed(0)} QPS)`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // Best first, and every score is the API's score for that point, whichever path found it.
    for (const hits of found) {
      for (let i = 1; i < hits.length; i++) {
        const [a, b] = [hits[i - 1]!.score, hits[i]!.score];
        expect(metric === 'euclidean' ? a <= b : a >= b).toBe(true);
      }
    }
    const exactScores = new Map(index.search(queries[0]!, COUNT - 1, { exact: true }).map((h) => [h.label, h.score]));
    for (const hit of found[0]!) expect(hit.score).toBe(exactScores.get(hit.label));
  });

  it('exact search equals brute force, scores and tie order included', () => {
    const found = queries.map((q) => index.search(q, K, { exact: true }));
    expect(found).toEqual(truth);
  });
});

describe('VectorIndex filtered search (euclidean, 20k x 128-d)', () => {
  let index: VectorIndex;
  const random = seededRandom(7);
  // Metadata beside the index, as a shard keeps it: label -> document.
  const metadata = new Map<number, { bucket: number }>();
  for (let label = 0; label < COUNT; label++) metadata.set(label, { bucket: Math.floor(random() * 1000) / 10 });

  beforeAll(() => {
    index = indexFor('euclidean');
  });

  const byBucketBelow = (percent: number): ((label: number) => boolean) => {
    const filter = compileFilter({ must: [{ key: 'bucket', range: { lt: percent } }] });
    return (label) => filter.matches(metadata.get(label) ?? null);
  };
  /** The true filtered top k, by brute force over the matching points only. */
  const filteredTruth = (filter: (label: number) => boolean): IndexHit[][] => {
    const matching = new Map<number, Float32Array>();
    for (let label = 0; label < COUNT; label++) if (filter(label)) matching.set(label, points[label]!);
    return queries.map((q) => bruteForceTopK('euclidean', matching, q, K));
  };

  it.each([1, 10, 50])('keeps recall@10 >= 0.95 for a filter matching %i%% of points', (percent) => {
    const filter = byBucketBelow(percent);
    const truth = filteredTruth(filter);
    const matching = [...metadata.keys()].filter(filter).length;
    expect(Math.abs(matching / COUNT - percent / 100)).toBeLessThan(0.01);
    const started = performance.now();
    const found = queries.map((q) => index.search(q, K, { filter }));
    const qps = (QUERIES * 1000) / (performance.now() - started);
    const recall = meanRecall(found, truth);
    console.log(`filtered recall@10 at ${percent}%: ${recall.toFixed(4)} (${qps.toFixed(0)} QPS)`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    for (const hits of found) {
      expect(hits).toHaveLength(K);
      for (const hit of hits) expect(filter(hit.label)).toBe(true);
    }
  });

  it('keeps recall on the graph walk itself when told the filter is broad', () => {
    const filter = byBucketBelow(10);
    const found = queries.map((q) => index.search(q, K, { filter, filterCount: COUNT }));
    const recall = meanRecall(found, filteredTruth(filter));
    console.log(`filtered recall@10 at 10%, graph walk forced: ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('plans a selective exact scan either way and returns the same exact answer', () => {
    const filter = byBucketBelow(2);
    const q = queries[3]!;
    const truth = bruteForceTopK('euclidean', points, q, K, filter);
    expect(index.search(q, K, { filter, exact: true })).toEqual(truth);
    expect(index.search(q, K, { filter, filterCount: 0 })).toEqual(truth);
    expect(index.search(q, K, { filter, filterCount: 1000 })).toEqual(truth);
  });

  it('searches exactly over candidate labels from a metadata index', () => {
    const candidates = [...metadata.keys()].filter(byBucketBelow(5));
    const allowed = new Set(candidates);
    const q = queries[5]!;
    const truth = bruteForceTopK('euclidean', points, q, K, (label) => allowed.has(label));
    expect(index.search(q, K, { candidates })).toEqual(truth);
    // Duplicates and stale labels in the hint are harmless; the filter still applies on top.
    const odd = (label: number): boolean => label % 2 === 1;
    expect(index.search(q, K, { candidates: [...candidates, ...candidates, -1, COUNT + 5], filter: odd })).toEqual(
      bruteForceTopK('euclidean', points, q, K, (label) => allowed.has(label) && odd(label)),
    );
  });

  it('rethrows an error from the filter instead of crashing the process inside hnswlib', () => {
    const failing = (label: number): boolean => {
      if (label % 7 === 3) throw new Error('metadata store is gone');
      return true;
    };
    expect(() => index.search(queries[0]!, K, { filter: failing, filterCount: COUNT })).toThrow('metadata store is gone');
    expect(index.search(queries[0]!, K)).toHaveLength(K);
  });
});

describe('VectorIndex semantics', () => {
  const v = (...values: number[]): Float32Array => Float32Array.from(values);

  it('reports the API scores: cosine similarity, dot product, euclidean distance', () => {
    const cases: [Metric, number][] = [
      ['euclidean', 5],
      ['dot', 3 * 6 + 4 * 8],
      ['cosine', 1],
    ];
    for (const [metric, expected] of cases) {
      const index = VectorIndex.create({ metric, dimension: 2 });
      index.upsert(0, v(3, 4));
      index.upsert(1, v(-3, -4));
      const query = metric === 'euclidean' ? v(0, 0) : v(6, 8);
      const [best, worst] = index.search(query, 2);
      expect(best).toEqual({ label: 0, score: expected });
      if (metric === 'cosine') expect(worst).toEqual({ label: 1, score: -1 });
      index.close();
    }
  });

  it('normalises cosine input safely: huge and tiny magnitudes keep their direction', () => {
    const index = VectorIndex.create({ metric: 'cosine', dimension: 2 });
    index.upsert(0, v(3e30, 4e30));
    index.upsert(1, v(4e-30, -3e-30));
    expect(index.search(v(3, 4), 1)[0]!.label).toBe(0);
    expect(index.search(v(4, -3), 1)[0]!.label).toBe(1);
    expectJadeError(() => index.upsert(2, v(0, 0)), 'JADE_ERR_INDEX_VECTOR_INVALID');
    expectJadeError(() => index.search(v(0, 0), 1), 'JADE_ERR_INDEX_VECTOR_INVALID');
    index.close();
  });

  it('upsert replaces, remove hides at once, re-upsert brings back, k beyond live returns all', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: 3 });
    for (let label = 0; label < 50; label++) index.upsert(label, v(label, 0, 0));
    expect(index.size()).toBe(50);

    index.upsert(10, v(100, 0, 0));
    expect(index.size()).toBe(50);
    expect(index.search(v(100, 0, 0), 1)).toEqual([{ label: 10, score: 0 }]);
    expect(index.search(v(10, 0, 0), 1)).toEqual([{ label: 10 - 1, score: 1 }]);

    expect(index.remove(20)).toBe(true);
    expect(index.remove(20)).toBe(false);
    expect(index.has(20)).toBe(false);
    expect(index.size()).toBe(49);
    expect(index.search(v(20, 0, 0), 3).map((h) => h.label)).toEqual([19, 21, 18]);
    expect(index.search(v(20, 0, 0), 3, { exact: true }).map((h) => h.label)).toEqual([19, 21, 18]);

    index.upsert(20, v(20, 0, 0));
    expect(index.has(20)).toBe(true);
    expect(index.search(v(20, 0, 0), 1)).toEqual([{ label: 20, score: 0 }]);

    const everything = index.search(v(0, 0, 0), 1000);
    expect(everything).toHaveLength(50);
    expect(everything.map((h) => h.label)).toEqual([...Array(50).keys()].filter((l) => l !== 10).concat([10]));
    index.close();
  });

  it('breaks score ties by the lower label', () => {
    const index = VectorIndex.create({ metric: 'dot', dimension: 2 });
    for (const label of [5, 3, 9, 1]) index.upsert(label, v(1, 1));
    const tied = [1, 3, 5].map((label) => ({ label, score: 1 }));
    expect(index.search(v(1, 0), 3, { exact: true })).toEqual(tied);
    // The walk may pick any 3 of the 4 tied points, but lists what it found in label order.
    const walked = index.search(v(1, 0), 3).map((h) => h.label);
    expect(walked).toEqual([...walked].sort((a, b) => a - b));
    expect(index.search(v(1, 0), 4)).toEqual([...tied, { label: 9, score: 1 }]);
    index.close();
  });

  it('grows capacity by doubling', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: 4, initialCapacity: 4 });
    const random = seededRandom(1);
    for (let label = 0; label < 100; label++) index.upsert(label, Float32Array.from({ length: 4 }, random));
    expect(index.size()).toBe(100);
    expect(index.elementCount()).toBe(100);
    expect(index.capacity()).toBe(128);
    index.close();
  });

  it('hands out the lowest free label and takes back unused ones', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: 2 });
    expect([index.allocateLabel(), index.allocateLabel(), index.allocateLabel()]).toEqual([0, 1, 2]);
    index.upsert(0, v(0, 0));
    index.upsert(2, v(2, 2));
    index.releaseLabel(1);
    expect(index.allocateLabel()).toBe(1);
    index.upsert(1, v(1, 1));
    index.remove(0);
    index.remove(2);
    expect(index.allocateLabel()).toBe(0);
    expect(index.allocateLabel()).toBe(2);
    expect(index.allocateLabel()).toBe(3);
    expectJadeError(() => index.releaseLabel(1), 'JADE_ERR_INDEX_LABEL_INVALID');
    // Labels may also come from the caller's own map, out of order (a rebuild from a store).
    index.upsert(10, v(10, 10));
    expect(index.labelLimit()).toBe(11);
    expect(index.allocateLabel()).toBe(4);
    index.close();
  });

  it('refuses bad input with stable codes', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: 3 });
    expectJadeError(() => index.upsert(0, v(1, 2)), 'JADE_ERR_INDEX_DIMENSION_MISMATCH');
    expectJadeError(() => index.upsert(0, v(1, NaN, 2)), 'JADE_ERR_INDEX_VECTOR_INVALID');
    expectJadeError(() => index.upsert(0, v(1, Infinity, 2)), 'JADE_ERR_INDEX_VECTOR_INVALID');
    expectJadeError(() => index.upsert(-1, v(1, 2, 3)), 'JADE_ERR_INDEX_LABEL_INVALID');
    expectJadeError(() => index.upsert(1.5, v(1, 2, 3)), 'JADE_ERR_INDEX_LABEL_INVALID');
    expectJadeError(() => index.upsert(2 ** 31, v(1, 2, 3)), 'JADE_ERR_INDEX_LABEL_INVALID');
    expectJadeError(() => index.upsert(0, [1, 2, 3] as unknown as Float32Array), 'JADE_ERR_INDEX_VECTOR_INVALID');
    expectJadeError(() => index.search(v(1, 2, 3), 0), 'JADE_ERR_INDEX_SEARCH_INVALID');
    expectJadeError(() => index.search(v(1, 2, 3), 5, { ef: 0 }), 'JADE_ERR_INDEX_SEARCH_INVALID');
    expect(index.search(v(1, 2, 3), 5)).toEqual([]);
    expect(index.size()).toBe(0);
    index.close();
    for (const params of [
      { metric: 'manhattan' as Metric, dimension: 3 },
      { metric: 'cosine' as const, dimension: 0 },
      { metric: 'cosine' as const, dimension: 4097 },
      { metric: 'cosine' as const, dimension: 8, m: 1 },
      { metric: 'cosine' as const, dimension: 8, efSearch: 2.5 },
    ]) {
      expectJadeError(() => VectorIndex.create(params), 'JADE_ERR_INDEX_PARAMS_INVALID');
    }
  });

  it('throws JADE_ERR_INDEX_CLOSED on every call after close', async () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: 2 });
    index.upsert(0, v(1, 1));
    index.close();
    index.close();
    const calls: (() => unknown)[] = [
      () => index.upsert(1, v(1, 1)),
      () => index.remove(0),
      () => index.has(0),
      () => index.search(v(1, 1), 1),
      () => index.size(),
      () => index.elementCount(),
      () => index.capacity(),
      () => index.allocateLabel(),
      () => index.compact(),
    ];
    for (const call of calls) expectJadeError(call, 'JADE_ERR_INDEX_CLOSED');
    await expect(index.writeTo(path.join(tempDir(), 'x.hnsw'))).rejects.toMatchObject({ code: 'JADE_ERR_INDEX_CLOSED' });
  });
});

describe('VectorIndex under churn', () => {
  const dim = 16;
  const base = 3000;
  const churn = 2000;
  const data = clusteredVectors({ count: base + churn * 2 + 50, dimension: dim, seed: 99 });
  const churnQueries = data.slice(base + churn * 2);

  function recallAgainstLive(index: VectorIndex, live: Map<number, Float32Array>): number {
    const found = churnQueries.map((q) => index.search(q, K));
    return meanRecall(found, churnQueries.map((q) => bruteForceTopK('euclidean', live, q, K)));
  }

  it('reuses the slots of removed labels: elementCount and capacity stay bounded', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: dim });
    const live = new Map<number, Float32Array>();
    for (let label = 0; label < base; label++) {
      index.upsert(label, data[label]!);
      live.set(label, data[label]!);
    }
    const capacities: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < churn; i++) {
        const label = base + i;
        // Alternate between two vectors per label so that each round really moves the points.
        const values = data[base + i + (round % 2) * churn]!;
        index.upsert(label, values);
        live.set(label, values);
      }
      expect(index.size()).toBe(base + churn);
      expect(index.elementCount()).toBeLessThanOrEqual(1.5 * index.size());
      capacities.push(index.capacity());
      if (round === 9) expect(recallAgainstLive(index, live)).toBeGreaterThanOrEqual(0.9);
      for (let i = 0; i < churn; i++) {
        index.remove(base + i);
        live.delete(base + i);
      }
      expect(index.size()).toBe(base);
      expect(index.search(data[base]!, 1)[0]!.label).toBeLessThan(base);
    }
    expect(new Set(capacities).size).toBe(1);
    expect(recallAgainstLive(index, live)).toBeGreaterThanOrEqual(0.9);
    index.close();
  });

  it('keeps elementCount bounded when each round brings new labels (slots of deleted ones are replaced)', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: dim });
    for (let label = 0; label < base; label++) index.upsert(label, data[label]!);
    let next = base;
    for (let round = 0; round < 5; round++) {
      const labels: number[] = [];
      for (let i = 0; i < churn; i++) {
        labels.push(next);
        index.upsert(next++, data[base + i]!);
      }
      expect(index.elementCount()).toBeLessThanOrEqual(1.5 * index.size());
      for (const label of labels) index.remove(label);
    }
    // A label whose tombstone slot went to another label still comes back.
    index.upsert(base, data[base]!);
    expect(index.search(data[base]!, 1)).toEqual([{ label: base, score: 0 }]);
    expect(index.elementCount()).toBeLessThanOrEqual(base + churn);
    index.close();
  });

  it('compacts away tombstones without changing labels', () => {
    const index = VectorIndex.create({ metric: 'euclidean', dimension: dim, initialCapacity: 64 });
    for (let label = 0; label < 1000; label++) index.upsert(label, data[label]!);
    for (let label = 0; label < 1000; label++) if (label % 5 !== 0) index.remove(label);
    expect(index.elementCount()).toBe(1000);
    index.compact();
    expect(index.elementCount()).toBe(200);
    expect(index.size()).toBe(200);
    const live = new Map([...Array(200).keys()].map((i) => [i * 5, data[i * 5]!]));
    for (const q of churnQueries.slice(0, 10)) expect(index.search(q, K, { exact: true })).toEqual(bruteForceTopK('euclidean', live, q, K));
    expect(recallAgainstLive(index, live)).toBeGreaterThanOrEqual(0.95);
    index.upsert(1, data[1]!);
    expect(index.search(data[1]!, 1)).toEqual([{ label: 1, score: 0 }]);
    index.close();
  });
});

describe('VectorIndex write and load', () => {
  const dim = 16;
  const data = clusteredVectors({ count: 3000, dimension: dim, seed: 5 });
  const params = { metric: 'cosine' as const, dimension: dim, m: 12, efConstruction: 100 };

  function build(): VectorIndex {
    const index = VectorIndex.create(params);
    for (let label = 0; label < 2500; label++) index.upsert(label, data[label]!);
    for (let label = 0; label < 2500; label += 3) index.remove(label);
    return index;
  }

  it('round-trips to identical search results, counts and label allocation', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.hnsw');
    const index = build();
    expect(await index.writeTo(file)).toEqual([file, `${file}.vectors`]);
    const loaded = VectorIndex.load(file, { ...params, efSearch: 64 });
    expect(loaded.size()).toBe(index.size());
    expect(loaded.elementCount()).toBe(index.elementCount());
    expect(loaded.capacity()).toBe(index.capacity());
    expect(loaded.labelLimit()).toBe(index.labelLimit());
    for (const q of data.slice(2500, 2600)) {
      expect(loaded.search(q, K)).toEqual(index.search(q, K));
      expect(loaded.search(q, K, { exact: true })).toEqual(index.search(q, K, { exact: true }));
    }
    for (let label = 0; label < 2500; label++) expect(loaded.has(label)).toBe(label % 3 !== 0);
    expect(loaded.allocateLabel()).toBe(index.allocateLabel());
    // Still a working index: removed labels come back, new ones take tombstones.
    loaded.upsert(0, data[0]!);
    loaded.upsert(loaded.labelLimit(), data[2999]!);
    expect(loaded.search(data[0]!, 1)[0]!.label).toBe(0);
    expect(loaded.elementCount()).toBe(index.elementCount());
    index.close();
    loaded.close();
  });

  it('refuses mutations while writing, allows searches, and closes safely mid-write', async () => {
    const file = path.join(tempDir(), 'busy.hnsw');
    const index = build();
    const writing = index.writeTo(file);
    expectJadeError(() => index.upsert(1, data[1]!), 'JADE_ERR_INDEX_BUSY');
    expectJadeError(() => index.remove(1), 'JADE_ERR_INDEX_BUSY');
    expect(index.search(data[1]!, 1)[0]!.label).toBe(1);
    index.close();
    await writing;
    expectJadeError(() => index.size(), 'JADE_ERR_INDEX_CLOSED');
    const loaded = VectorIndex.load(file, params);
    expect(loaded.size()).toBe(2500 - Math.ceil(2500 / 3));
    loaded.close();
  });

  it('fails to write into a missing directory with JADE_ERR_INDEX_WRITE_FAILED', async () => {
    const index = build();
    await expect(index.writeTo(path.join(tempDir(), 'missing', 'db.hnsw'))).rejects.toMatchObject({ code: 'JADE_ERR_INDEX_WRITE_FAILED' });
    index.upsert(0, data[0]!);
    index.close();
  });

  it('refuses to load a mismatched or incomplete index', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.hnsw');
    const index = build();
    await index.writeTo(file);
    index.close();
    expectJadeError(() => VectorIndex.load(file, { ...params, metric: 'dot' }), 'JADE_ERR_INDEX_LOAD_FAILED');
    expectJadeError(() => VectorIndex.load(file, { ...params, m: 16 }), 'JADE_ERR_INDEX_LOAD_FAILED');
    expectJadeError(() => VectorIndex.load(path.join(dir, 'absent.hnsw'), params), 'JADE_ERR_INDEX_LOAD_FAILED');
    fs.truncateSync(`${file}.vectors`, 100);
    expectJadeError(() => VectorIndex.load(file, params), 'JADE_ERR_INDEX_LOAD_FAILED');
    fs.rmSync(`${file}.vectors`);
    expectJadeError(() => VectorIndex.load(file, params), 'JADE_ERR_INDEX_LOAD_FAILED');
  });
});
