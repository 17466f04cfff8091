/**
 * Scenario 6, memory: anonymous resident memory (and RSS) the database gains per 100,000 vectors, measured on its
 * process before and after an ingestion (main-thread GC first; shard workers keep their own heaps), against a bare
 * hnswlib index of the same vectors in a process of its own.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { ProcessMemory } from '../machine';

export interface MemoryPoint {
  dimension: number;
  vectors: number;
  dbBefore: ProcessMemory;
  dbAfter: ProcessMemory;
  /** Growth per 100,000 vectors, bytes. */
  dbAnonPer100k: number;
  dbRssPer100k: number;
  hnswAnonPer100k: number;
  hnswRssPer100k: number;
  hnswCapacity: number;
}

export interface BareHnswMemory {
  count: number;
  capacity: number;
  before: ProcessMemory;
  after: ProcessMemory;
}

export function bareHnswMemory(options: { count: number; dimension: number; m: number; efConstruction: number; seed: number }): Promise<BareHnswMemory> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(__dirname, '..', 'hnsw-memory-child.ts'), JSON.stringify(options)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`hnsw memory child failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as BareHnswMemory);
    });
  });
}

export function memoryPoint(dimension: number, vectors: number, dbBefore: ProcessMemory, dbAfter: ProcessMemory, bare: BareHnswMemory): MemoryPoint {
  const per = (bytes: number, n: number) => (bytes / n) * 100_000;
  const anon = (m: ProcessMemory) => m.anonymous ?? m.rssAnon;
  return {
    dimension,
    vectors,
    dbBefore,
    dbAfter,
    dbAnonPer100k: per(anon(dbAfter) - anon(dbBefore), vectors),
    dbRssPer100k: per(dbAfter.rss - dbBefore.rss, vectors),
    hnswAnonPer100k: per(anon(bare.after) - anon(bare.before), bare.count),
    hnswRssPer100k: per(bare.after.rss - bare.before.rss, bare.count),
    hnswCapacity: bare.capacity,
  };
}
