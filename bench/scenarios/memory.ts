/**
 * Scenario 6, memory: anonymous resident memory (and RSS) the database gains per 100,000 vectors, measured on its
 * process before and after an ingestion, against a bare hnswlib index of the same vectors (same parameters, same
 * doubling growth) in a process of its own. Both are measured the same way: after a full GC in every V8 heap of the
 * process (the database's shard worker threads included, see db-child.ts), the database once it has applied
 * everything (the ingestion ends with a `strong` read).
 *
 * Growth from empty includes what does not grow with the vectors: the young generations of the database's heaps
 * growing to their working size, C heap arenas reaching their high-water mark, buffers of the HTTP and log paths. With
 * a few thousand vectors those dominate, so a figure per 100,000 extrapolated from them overstates the cost per
 * vector. Given a sample of the database taken after a warm-up share of the vectors (`dbWarm`), the point also
 * carries the marginal growth per 100,000 vectors after the warm-up, measured the same way on both sides.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { ProcessMemory } from '../machine';

export interface MemoryPoint {
  dimension: number;
  vectors: number;
  dbBefore: ProcessMemory;
  dbAfter: ProcessMemory;
  /** Growth per 100,000 vectors, bytes, from empty (fixed costs included). */
  dbAnonPer100k: number;
  dbRssPer100k: number;
  hnswAnonPer100k: number;
  hnswRssPer100k: number;
  hnswCapacity: number;
  /** Vectors ingested before the warm sample, when there is one. */
  warmVectors?: number;
  /** Growth per 100,000 vectors after the warm-up, bytes: what each further vector costs. */
  dbAnonMarginalPer100k?: number;
  hnswAnonMarginalPer100k?: number;
}

export interface BareHnswMemory {
  count: number;
  capacity: number;
  before: ProcessMemory;
  /** After `warmCount` points, when asked for. */
  warm?: ProcessMemory;
  warmCount?: number;
  after: ProcessMemory;
}

export function bareHnswMemory(options: { count: number; dimension: number; m: number; efConstruction: number; seed: number; warmCount?: number }): Promise<BareHnswMemory> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(__dirname, '..', 'hnsw-memory-child.ts'), JSON.stringify(options)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`hnsw memory child failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as BareHnswMemory);
    });
  });
}

/** Anonymous resident memory: smaps_rollup's `Anonymous` where readable, else RssAnon. */
export function anonymousBytes(m: ProcessMemory): number {
  return m.anonymous ?? m.rssAnon;
}

export function memoryPoint(
  dimension: number,
  vectors: number,
  dbBefore: ProcessMemory,
  dbAfter: ProcessMemory,
  bare: BareHnswMemory,
  dbWarm?: { memory: ProcessMemory; vectors: number },
): MemoryPoint {
  const per = (bytes: number, n: number) => (bytes / n) * 100_000;
  const point: MemoryPoint = {
    dimension,
    vectors,
    dbBefore,
    dbAfter,
    dbAnonPer100k: per(anonymousBytes(dbAfter) - anonymousBytes(dbBefore), vectors),
    dbRssPer100k: per(dbAfter.rss - dbBefore.rss, vectors),
    hnswAnonPer100k: per(anonymousBytes(bare.after) - anonymousBytes(bare.before), bare.count),
    hnswRssPer100k: per(bare.after.rss - bare.before.rss, bare.count),
    hnswCapacity: bare.capacity,
  };
  if (dbWarm !== undefined && bare.warm !== undefined && bare.warmCount === dbWarm.vectors && dbWarm.vectors < vectors) {
    point.warmVectors = dbWarm.vectors;
    point.dbAnonMarginalPer100k = per(anonymousBytes(dbAfter) - anonymousBytes(dbWarm.memory), vectors - dbWarm.vectors);
    point.hnswAnonMarginalPer100k = per(anonymousBytes(bare.after) - anonymousBytes(bare.warm), bare.count - dbWarm.vectors);
  }
  return point;
}
