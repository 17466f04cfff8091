/**
 * The limit of this stack: hnswlib-node in this process, one thread, the same data and parameters as the database
 * (M, efConstruction, seed), capacity allocated up front. Its build rate is the ingestion baseline and its
 * recall-QPS curve the search baseline; BruteforceSearch gives the exact-search baseline.
 */
import { BruteforceSearch, HierarchicalNSW, type SpaceName } from 'hnswlib-node';
import type { Metric } from '../../test/helpers/vectors';
import { row, type Dataset } from '../datasets';
import { cdfPoints, meanRecall, summarise, type LatencySummary } from '../stats';

const SPACES: Record<Metric, SpaceName> = { cosine: 'cosine', euclidean: 'l2', dot: 'ip' };

export interface HnswParams {
  m: number;
  efConstruction: number;
  seed: number;
}

export interface BuildResult {
  vectors: number;
  buildMs: number;
  vectorsPerSecond: number;
}

export interface SweepPoint {
  ef: number;
  /** LanceDB's refine factor (re-ranking with full vectors), when used. */
  refine?: number;
  recall: number;
  qps: number;
  latency: LatencySummary;
  cdf: { x: number; y: number }[];
}

/** Plain arrays, as hnswlib-node's addPoint and searchKnn take them (converted before any clock starts). */
export function asArrays(data: Float32Array, dimension: number, count: number): number[][] {
  return Array.from({ length: count }, (_, i) => Array.from(row(data, dimension, i)));
}

export function buildHnsw(dataset: Dataset, params: HnswParams, onProgress?: (fraction: number) => void): { index: HierarchicalNSW; build: BuildResult } {
  const points = asArrays(dataset.base, dataset.dimension, dataset.count);
  const index = new HierarchicalNSW(SPACES[dataset.metric], dataset.dimension);
  index.initIndex(dataset.count, params.m, params.efConstruction, params.seed);
  const started = performance.now();
  for (let i = 0; i < points.length; i++) {
    index.addPoint(points[i]!, i);
    if (onProgress !== undefined && i % 2048 === 0) onProgress(i / points.length);
  }
  const buildMs = performance.now() - started;
  return { index, build: { vectors: dataset.count, buildMs, vectorsPerSecond: (dataset.count / buildMs) * 1000 } };
}

/**
 * Searches every query at each ef, one thread. The efs are visited in `rounds` interleaved rounds of about
 * `minMs / rounds` each (whole passes over the queries) and each point's QPS is the median round, so a burst of
 * load from other jobs on a shared machine moves one round, not the curve.
 */
export function sweepHnsw(index: HierarchicalNSW, dataset: Dataset, truth: readonly (readonly number[])[], efs: readonly number[], k: number, minMs: number, rounds = 3): SweepPoint[] {
  const queries = asArrays(dataset.queries, dataset.dimension, dataset.queryCount);
  const state = efs.map((ef) => ({ ef, latencies: [] as number[], qps: [] as number[], answers: [] as number[][] }));
  for (let round = 0; round < rounds; round++) {
    for (const point of state) {
      index.setEf(Math.max(point.ef, k));
      const started = performance.now();
      let searched = 0;
      do {
        const first = point.answers.length === 0;
        for (const q of queries) {
          const t = performance.now();
          const found = index.searchKnn(q, k);
          point.latencies.push(performance.now() - t);
          if (first) point.answers.push(found.neighbors);
        }
        searched += queries.length;
      } while (performance.now() - started < minMs / rounds);
      point.qps.push((searched / (performance.now() - started)) * 1000);
    }
  }
  return state.map((p) => ({
    ef: p.ef,
    recall: meanRecall(p.answers, truth, k),
    qps: median(p.qps),
    latency: summarise(p.latencies),
    cdf: cdfPoints(p.latencies),
  }));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Exact search (hnswlib's BruteforceSearch, native) over the same data: recall 1 by construction, measured anyway. */
export function exactBaseline(dataset: Dataset, truth: readonly (readonly number[])[], k: number, minMs: number): SweepPoint {
  const index = new BruteforceSearch(SPACES[dataset.metric], dataset.dimension);
  index.initIndex(dataset.count);
  for (let i = 0; i < dataset.count; i++) index.addPoint(Array.from(row(dataset.base, dataset.dimension, i)), i);
  const queries = asArrays(dataset.queries, dataset.dimension, dataset.queryCount);
  const latencies: number[] = [];
  const answers: number[][] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < minMs || i < Math.min(queries.length, 20); i++) {
    const q = i % queries.length;
    const t = performance.now();
    const found = index.searchKnn(queries[q]!, k);
    latencies.push(performance.now() - t);
    if (i < queries.length) answers.push(found.neighbors);
    if (i >= queries.length * 3) break;
  }
  const elapsed = performance.now() - started;
  return {
    ef: 0,
    recall: meanRecall(answers, truth.slice(0, answers.length), k),
    qps: (latencies.length / elapsed) * 1000,
    latency: summarise(latencies),
    cdf: cdfPoints(latencies),
  };
}
