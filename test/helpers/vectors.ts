/** Seeded test vectors and the brute-force reference that vector search is judged against. */

export type Metric = 'cosine' | 'euclidean' | 'dot';

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; the same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box-Muller) from a uniform source. */
export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - random(); // (0, 1]: log(0) is never taken
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface ClusteredOptions {
  count: number;
  dimension: number;
  seed: number;
  /** @default 32 */
  clusters?: number;
  /** Spread of the cluster centres (standard deviation per coordinate). @default 1 */
  centreSpread?: number;
  /** Spread of points around their centre. @default 0.35 */
  pointSpread?: number;
}

/** Points drawn from Gaussian clusters, like real embeddings (which are far from uniform). */
export function clusteredVectors(options: ClusteredOptions): Float32Array[] {
  const { count, dimension, seed, clusters = 32, centreSpread = 1, pointSpread = 0.35 } = options;
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimension }, () => normal() * centreSpread));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(random() * clusters)]!;
    return Float32Array.from(centre, (x) => x + normal() * pointSpread);
  });
}

/**
 * The score of `v` for `query`, as the API defines it, in float64: cosine similarity dot / (|q| * |v|), dot
 * product, or euclidean distance. Sums run in index order, so equal inputs give bit-equal scores.
 */
export function referenceScore(metric: Metric, query: Float32Array, v: Float32Array): number {
  if (metric === 'euclidean') {
    let sum = 0;
    for (let i = 0; i < query.length; i++) {
      const d = query[i]! - v[i]!;
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += query[i]! * v[i]!;
  if (metric === 'dot') return dot;
  let qq = 0;
  let vv = 0;
  for (let i = 0; i < query.length; i++) {
    qq += query[i]! * query[i]!;
    vv += v[i]! * v[i]!;
  }
  return dot / (Math.sqrt(qq) * Math.sqrt(vv));
}

/** Brute-force top k over labelled points, best first, ties broken by the lower label. */
export function bruteForceTopK(
  metric: Metric,
  points: ReadonlyMap<number, Float32Array> | readonly Float32Array[],
  query: Float32Array,
  k: number,
  filter?: (label: number) => boolean,
): { label: number; score: number }[] {
  const scored: { label: number; score: number }[] = [];
  const consider = (v: Float32Array, label: number): void => {
    if (filter === undefined || filter(label)) scored.push({ label, score: referenceScore(metric, query, v) });
  };
  if (Array.isArray(points)) (points as readonly Float32Array[]).forEach(consider);
  else (points as ReadonlyMap<number, Float32Array>).forEach(consider);
  const higherIsBetter = metric !== 'euclidean';
  scored.sort((a, b) => (higherIsBetter ? b.score - a.score : a.score - b.score) || a.label - b.label);
  return scored.slice(0, k);
}

/** Fraction of the true top-k labels found. */
export function recallAtK(found: readonly { label: number }[], truth: readonly { label: number }[]): number {
  if (truth.length === 0) return 1;
  const wanted = new Set(truth.map((t) => t.label));
  return found.filter((f) => wanted.has(f.label)).length / truth.length;
}
