/**
 * Exact top-k for every query (the reference recall is judged against), by brute force in float64 with the API's
 * scores, cached as `.ivecs` in bench/.cache/ keyed by the dataset's identity and k.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readIvecs, writeVecs } from './ann-files';
import { CACHE_DIR, type Dataset } from './datasets';

export interface GroundTruth {
  k: number;
  /** Per query, the labels (base indices) of the exact top k, best first. */
  labels: Int32Array[];
  cached: boolean;
  computeMs: number;
}

export function groundTruth(dataset: Dataset, k: number, onProgress?: (fraction: number) => void): GroundTruth {
  if (dataset.truth !== undefined && dataset.truthK !== undefined && dataset.truthK >= k) {
    const shipped = dataset.truth;
    const width = dataset.truthK;
    return { k, labels: Array.from({ length: dataset.queryCount }, (_, q) => shipped.slice(q * width, q * width + k)), cached: true, computeMs: 0 };
  }
  const file = path.join(CACHE_DIR, `gt-${createHash('sha1').update(`${dataset.id}:k${k}`).digest('hex').slice(0, 16)}.ivecs`);
  if (fs.existsSync(file)) {
    const read = readIvecs(file);
    if (read.count === dataset.queryCount && read.dimension === k) {
      return { k, labels: Array.from({ length: read.count }, (_, q) => read.data.slice(q * k, (q + 1) * k)), cached: true, computeMs: 0 };
    }
  }
  const started = performance.now();
  const labels = exactTopK(dataset, k, onProgress);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const flat = new Int32Array(dataset.queryCount * k);
  labels.forEach((l, q) => flat.set(l, q * k));
  writeVecs(file, k, flat);
  return { k, labels, cached: false, computeMs: performance.now() - started };
}

/** Brute-force top k of every query, ties broken by the lower label (as the database does). */
export function exactTopK(dataset: Dataset, k: number, onProgress?: (fraction: number) => void): Int32Array[] {
  const { base, queries, dimension: d, count: n, metric } = dataset;
  const norms = new Float64Array(n);
  if (metric === 'cosine') {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += base[i * d + j]! * base[i * d + j]!;
      norms[i] = Math.sqrt(s);
    }
  }
  const out: Int32Array[] = [];
  const bestScore = new Float64Array(k);
  const bestLabel = new Int32Array(k);
  for (let q = 0; q < dataset.queryCount; q++) {
    const qo = q * d;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const bo = i * d;
      let score: number;
      if (metric === 'euclidean') {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const diff = queries[qo + j]! - base[bo + j]!;
          s += diff * diff;
        }
        score = -s; // higher is better below
      } else {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += queries[qo + j]! * base[bo + j]!;
        score = metric === 'cosine' ? dot / (norms[i]! || 1) : dot;
      }
      if (size < k || score > bestScore[size - 1]!) {
        // Insertion into the sorted top k (k is small); equal scores keep the lower label first.
        let at = size < k ? size : k - 1;
        while (at > 0 && bestScore[at - 1]! < score) {
          if (at < k) {
            bestScore[at] = bestScore[at - 1]!;
            bestLabel[at] = bestLabel[at - 1]!;
          }
          at--;
        }
        bestScore[at] = score;
        bestLabel[at] = i;
        if (size < k) size++;
      }
    }
    out.push(bestLabel.slice(0, size));
    if (onProgress !== undefined && q % 16 === 0) onProgress(q / dataset.queryCount);
  }
  return out;
}
