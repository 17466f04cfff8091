/** The memory scenario's measurement: the bare hnswlib baseline, the per-100k arithmetic, and GC in every heap of the database. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DbProcess } from '../../bench/db-process';
import type { ProcessMemory } from '../../bench/machine';
import { bareHnswMemory, memoryPoint, type BareHnswMemory } from '../../bench/scenarios/memory';

const mem = (anonymous: number, rss = anonymous * 2): ProcessMemory => ({ rss, rssAnon: anonymous, rssFile: rss - anonymous, anonymous });

describe('memoryPoint', () => {
  const bare: BareHnswMemory = { count: 10_000, capacity: 16_384, before: mem(40e6), warm: mem(42e6), warmCount: 2_000, after: mem(50e6) };

  test('growth per 100,000 vectors from empty, on both sides', () => {
    const p = memoryPoint(128, 10_000, mem(100e6), mem(130e6), bare);
    expect(p.dbAnonPer100k).toBeCloseTo(300e6);
    expect(p.hnswAnonPer100k).toBeCloseTo(100e6);
    expect(p.dbRssPer100k).toBeCloseTo(600e6);
    expect(p.hnswCapacity).toBe(16_384);
    expect(p.dbAnonMarginalPer100k).toBeUndefined();
  });

  test('marginal growth after the same warm-up on both sides', () => {
    const p = memoryPoint(128, 10_000, mem(100e6), mem(130e6), bare, { memory: mem(110e6), vectors: 2_000 });
    expect(p.warmVectors).toBe(2_000);
    expect(p.dbAnonMarginalPer100k).toBeCloseTo((20e6 / 8_000) * 100_000);
    expect(p.hnswAnonMarginalPer100k).toBeCloseTo((8e6 / 8_000) * 100_000);
  });

  test('no marginal figure when the warm-ups differ', () => {
    const p = memoryPoint(128, 10_000, mem(100e6), mem(130e6), bare, { memory: mem(110e6), vectors: 3_000 });
    expect(p.dbAnonMarginalPer100k).toBeUndefined();
    expect(p.hnswAnonMarginalPer100k).toBeUndefined();
  });

  test('falls back to RssAnon where smaps_rollup is unreadable', () => {
    const noRollup = (anon: number): ProcessMemory => ({ rss: anon, rssAnon: anon, rssFile: 0, anonymous: undefined });
    const p = memoryPoint(8, 100_000, noRollup(1e6), noRollup(3e6), { ...bare, before: noRollup(1e6), after: noRollup(2e6), count: 100_000 });
    expect(p.dbAnonPer100k).toBe(2e6);
    expect(p.hnswAnonPer100k).toBe(1e6);
  });
});

const linux = fs.existsSync('/proc/self/smaps_rollup');
(linux ? describe : describe.skip)('measured processes', () => {
  test('the bare index grows with its points, doubling like the database', async () => {
    const bare = await bareHnswMemory({ count: 3_000, dimension: 16, m: 8, efConstruction: 40, seed: 7, warmCount: 1_500 });
    expect(bare.count).toBe(3_000);
    expect(bare.capacity).toBe(4_096);
    expect(bare.warmCount).toBe(1_500);
    for (const sample of [bare.before, bare.warm!, bare.after]) expect(sample.anonymous).toBeGreaterThan(0);
    // 3,000 points of 16 floats and 16 links at level 0 take well over 200 KB.
    expect(bare.after.anonymous! - bare.before.anonymous!).toBeGreaterThan(200_000);
  }, 60_000);

  test('a gc request reaches the main thread and every shard worker of the database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-bench-gc-'));
    const db = await DbProcess.start({ dataDir, config: { partitions: 2, shardThreads: 2 } });
    try {
      const isolates = await db.gc();
      expect(isolates.map((i) => i.thread)).toEqual(['main', 'worker', 'worker']);
      for (const i of isolates) {
        expect(i.heapUsed).toBeGreaterThan(0);
        expect(i.heapTotal).toBeGreaterThanOrEqual(i.heapUsed);
      }
    } finally {
      await db.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
