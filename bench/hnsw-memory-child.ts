/**
 * The memory baseline, in its own process so nothing else grows with it: a bare in-process hnswlib index holding the
 * first `count` vectors of the bench's synthetic dataset (the same vectors the database was given: seeded Gaussian
 * clusters, `seed`), with the database's parameters and growth policy. Prints JSON: the process's memory with the
 * index created and empty, after `warmCount` points (when asked) and after all of them, each after a full GC.
 *
 * Measured as the database is: after a GC, with nothing but the index growing. The vectors are generated row by row
 * into one reused buffer, never as a dataset of small arrays: freeing those would leave holes in the C heap that
 * hnswlib then fills, and the index would seem to cost less than it does (or, freed late, more).
 */
import { HierarchicalNSW } from 'hnswlib-node';
import { gaussian, seededRandom } from '../test/helpers/vectors';
import { processMemory, type ProcessMemory } from './machine';

export interface BareHnswOptions {
  count: number;
  dimension: number;
  m: number;
  efConstruction: number;
  /** Seed of the synthetic dataset (bench/datasets.ts `synthetic`, default 7). */
  seed: number;
  /** Also measure after this many points (a warm-up: growth after it is the marginal cost per point). */
  warmCount?: number;
}

/** Points allocated up front, as the database's index (VectorIndex's default), which doubles when full. */
const INITIAL_CAPACITY = 1024;
/** The database's level-generator seed (VectorIndex's default). */
const LEVEL_SEED = 100;

/**
 * The rows of test/helpers/vectors.ts `clusteredVectors({ count, dimension, seed })` (32 clusters, centre spread 1,
 * point spread 0.35), the same random draws in the same order, written one at a time into `row` (float32).
 */
function* clusteredRows(count: number, dimension: number, seed: number, row: Float32Array): Generator<number> {
  const clusters = 32;
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimension }, () => normal()));
  for (let i = 0; i < count; i++) {
    const centre = centres[Math.floor(random() * clusters)]!;
    for (let j = 0; j < dimension; j++) row[j] = centre[j]! + normal() * 0.35;
    yield i;
  }
}

function main(): void {
  const options = JSON.parse(process.argv[2] ?? '{}') as BareHnswOptions;
  const { count, dimension, m, efConstruction, seed } = options;
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = (): ProcessMemory => {
    gc?.();
    gc?.();
    return processMemory()!;
  };
  const row = new Float32Array(dimension);
  // hnswlib-node takes plain arrays: one, reused, as the database's index does.
  const scratch = new Array<number>(dimension).fill(0);
  const rows = clusteredRows(count, dimension, seed, row);
  const index = new HierarchicalNSW('cosine', dimension);
  let capacity = INITIAL_CAPACITY;
  index.initIndex(capacity, m, efConstruction, LEVEL_SEED, true);
  // Measured from the empty index, as the database is measured from its empty database (whose indexes exist by
  // then): hnswlib's fixed tables (65,536 label locks, about 2.5 MiB) are not growth on either side.
  const before = measure();
  let warm: ProcessMemory | undefined;
  for (const i of rows) {
    if (i === options.warmCount) warm = measure();
    // Grown as the database's index grows (doubling when full), so both pay for spare capacity alike.
    if (i >= capacity) {
      capacity = Math.max(capacity * 2, INITIAL_CAPACITY);
      index.resizeIndex(capacity);
    }
    for (let j = 0; j < dimension; j++) scratch[j] = row[j]!;
    index.addPoint(scratch, i);
  }
  const after = measure();
  process.stdout.write(`${JSON.stringify({ count: index.getCurrentCount(), capacity, before, ...(warm === undefined ? {} : { warm, warmCount: options.warmCount }), after })}\n`);
}

main();
