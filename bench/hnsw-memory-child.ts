/**
 * The memory baseline, in its own process so nothing else grows with it: a bare in-process hnswlib index holding
 * `count` synthetic vectors (the same distribution and parameters as the database's). Prints JSON: anonymous
 * resident memory before and after, and the process RSS.
 */
import { HierarchicalNSW } from 'hnswlib-node';
import { clusteredVectors } from '../test/helpers/vectors';
import { processMemory } from './machine';

function main(): void {
  const { count, dimension, m, efConstruction, seed } = JSON.parse(process.argv[2] ?? '{}') as { count: number; dimension: number; m: number; efConstruction: number; seed: number };
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = processMemory()!;
  const index = new HierarchicalNSW('cosine', dimension);
  // Grown as the database's index grows (doubling), not allocated up front, so both pay for spare capacity alike.
  let capacity = 1024;
  index.initIndex(capacity, m, efConstruction, 100);
  const chunk = 5_000;
  for (let start = 0; start < count; start += chunk) {
    const rows = clusteredVectors({ count: Math.min(chunk, count - start), dimension, seed: seed + start });
    for (let i = 0; i < rows.length; i++) {
      if (start + i >= capacity) {
        capacity *= 2;
        index.resizeIndex(capacity);
      }
      index.addPoint(Array.from(rows[i]!), start + i);
    }
  }
  gc?.();
  const after = processMemory()!;
  process.stdout.write(`${JSON.stringify({ count: index.getCurrentCount(), capacity, before, after })}\n`);
}

main();
