/**
 * Scenario 3, search over HTTP: for each per-shard efSearch and each count of keep-alive clients, `wrk` drives
 * POST /search with the dataset's queries for a fixed time; QPS and latency come from wrk, recall@k from the
 * responses it recorded under that load. The database has no result cache, and queries cycle through the set.
 */
import type { DbProcess } from '../db-process';
import { vectorJson, type Dataset } from '../datasets';
import { runWrk, type WrkRun } from '../wrk';

export interface SearchPoint extends WrkRun {
  /** Per-shard efSearch (every query searches every shard), or 0 for exact search. */
  ef: number;
  exact: boolean;
}

export function searchBodies(dataset: Dataset, k: number, options: { ef?: number; exact?: boolean }): string[] {
  const extra = options.exact === true ? ',"exact":true' : options.ef !== undefined ? `,"efSearch":${options.ef}` : '';
  return Array.from({ length: dataset.queryCount }, (_, q) => `{"vector":${vectorJson(dataset.queries, dataset.dimension, q)},"topK":${k}${extra}}`);
}

export async function searchSweep(
  db: DbProcess,
  dataset: Dataset,
  truth: readonly (readonly number[])[],
  options: { database: string; k: number; efs: readonly number[]; connections: readonly number[]; durationS: number; warmupS: number; exactDurationS: number },
  onProgress?: (fraction: number, detail: string) => void,
): Promise<SearchPoint[]> {
  const path = `/v1/databases/${options.database}/search`;
  const points: SearchPoint[] = [];
  const total = options.efs.length * options.connections.length + (options.exactDurationS > 0 ? 1 : 0);
  let done = 0;
  if (options.warmupS > 0) {
    onProgress?.(0, 'warm-up');
    await runWrk({ url: db.url, path, bodies: searchBodies(dataset, options.k, { ef: options.efs[0]! }), truth, k: options.k, connections: 4, durationS: options.warmupS });
  }
  for (const ef of options.efs) {
    const bodies = searchBodies(dataset, options.k, { ef });
    for (const connections of options.connections) {
      onProgress?.(done++ / total, `ef=${ef} clients=${connections}`);
      points.push({ ef, exact: false, ...(await runWrk({ url: db.url, path, bodies, truth, k: options.k, connections, durationS: options.durationS })) });
    }
  }
  if (options.exactDurationS > 0) {
    onProgress?.(done / total, 'exact');
    const connections = Math.max(...options.connections);
    points.push({ ef: 0, exact: true, ...(await runWrk({ url: db.url, path, bodies: searchBodies(dataset, options.k, { exact: true }), truth, k: options.k, connections, durationS: options.exactDurationS, timeoutS: 30 })) });
  }
  return points;
}
