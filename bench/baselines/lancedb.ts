/**
 * The peer a user would pick instead: LanceDB embedded (`@lancedb/lancedb` 0.31.0), in this process, with its HNSW
 * index (IVF_HNSW_SQ with one partition, M and efConstruction as the database's). Measures vectors made searchable
 * per second (table write plus index build) and a recall-QPS curve over `ef`, with 1 and with 16 queries in flight.
 */
import './lance-log-level';
// Static imports: a dynamic import() would load apache-arrow's ESM build while LanceDB requires the CommonJS one,
// and LanceDB would not recognise the table as Arrow (it then fails to index an "empty" table).
import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { row, type Dataset } from '../datasets';
import { cdfPoints, meanRecall, summarise } from '../stats';
import type { SweepPoint } from './hnswlib';

export interface LanceResult {
  version: string;
  index: string;
  vectors: number;
  writeMs: number;
  indexMs: number;
  /** Vectors searchable per second: count / (write + index build). */
  vectorsPerSecond: number;
  sweep: { inFlight: number; points: SweepPoint[] }[];
}

export async function lanceBaseline(
  dataset: Dataset,
  truth: readonly (readonly number[])[],
  options: { m: number; efConstruction: number; efs: readonly number[]; refineFactors: readonly (number | undefined)[]; k: number; minMs: number; inFlight: readonly number[] },
  onProgress?: (fraction: number, detail: string) => void,
): Promise<LanceResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-bench-lance-'));
  try {
    const db = await lancedb.connect(dir);
    const d = dataset.dimension;
    // An Arrow table built straight from the float32 rows (no per-row JS objects in the timed write).
    const values = arrow.makeData({ type: new arrow.Float32(), length: dataset.count * d, data: dataset.base });
    const list = arrow.makeData({
      type: new arrow.FixedSizeList(d, new arrow.Field('item', new arrow.Float32(), true)),
      length: dataset.count,
      nullCount: 0,
      child: values,
    });
    const ids = arrow.makeData({ type: new arrow.Int32(), length: dataset.count, data: Int32Array.from({ length: dataset.count }, (_, i) => i) });
    const table = new arrow.Table({ id: arrow.makeVector(ids), vector: arrow.makeVector(list) });
    onProgress?.(0.05, 'LanceDB write');
    const t0 = performance.now();
    const tbl = await db.createTable('bench', table, { mode: 'overwrite' });
    const t1 = performance.now();
    onProgress?.(0.15, 'LanceDB HNSW build');
    const distanceType = dataset.metric === 'euclidean' ? 'l2' : dataset.metric;
    await tbl.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType, numPartitions: 1, m: options.m, efConstruction: options.efConstruction }), train: true });
    const t2 = performance.now();
    const queries = Array.from({ length: dataset.queryCount }, (_, i) => Array.from(row(dataset.queries, d, i)));
    const search = async (q: number, ef: number, refine: number | undefined): Promise<number[]> => {
      let query = tbl.vectorSearch(queries[q]!).distanceType(distanceType).limit(options.k).ef(ef);
      // The SQ index ranks by quantised distances; a refine factor re-ranks refine*k candidates with the full vectors.
      if (refine !== undefined) query = query.refineFactor(refine);
      const rows = (await query.select(['id', '_distance']).toArray()) as { id: number }[];
      return rows.map((r) => r.id);
    };
    const sweep: LanceResult['sweep'] = [];
    let done = 0;
    const total = options.inFlight.length * options.refineFactors.reduce<number>((sum, r) => sum + options.efs.filter((e) => e >= options.k * (r ?? 1)).length, 0);
    for (const inFlight of options.inFlight) {
      const points: SweepPoint[] = [];
      for (const refine of options.refineFactors)
      // LanceDB refuses an ef below the candidates it must return (k, or k * refine).
      for (const ef of options.efs.filter((e) => e >= options.k * (refine ?? 1))) {
        onProgress?.(0.2 + (0.8 * done++) / total, `LanceDB ef=${ef}${refine === undefined ? '' : ` refine=${refine}`} x${inFlight}`);
        const answers: number[][] = new Array<number[]>(dataset.queryCount);
        const latencies: number[] = [];
        let next = 0;
        const started = performance.now();
        const worker = async () => {
          // At least one pass over the queries, then until minMs.
          for (;;) {
            const i = next++;
            if (i >= dataset.queryCount && performance.now() - started >= options.minMs) return;
            const q = i % dataset.queryCount;
            const t = performance.now();
            const found = await search(q, ef, refine);
            latencies.push(performance.now() - t);
            if (i < dataset.queryCount) answers[q] = found;
          }
        };
        await Promise.all(Array.from({ length: inFlight }, worker));
        const elapsed = performance.now() - started;
        points.push({ ef, ...(refine === undefined ? {} : { refine }), recall: meanRecall(answers, truth, options.k), qps: (latencies.length / elapsed) * 1000, latency: summarise(latencies), cdf: cdfPoints(latencies) });
      }
      sweep.push({ inFlight, points });
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('@lancedb/lancedb')), '..', 'package.json'), 'utf8')) as { version: string };
    return {
      version: pkg.version,
      index: `IVF_HNSW_SQ (1 partition, M=${options.m}, efConstruction=${options.efConstruction}, ${distanceType})`,
      vectors: dataset.count,
      writeMs: t1 - t0,
      indexMs: t2 - t1,
      vectorsPerSecond: (dataset.count / (t2 - t0)) * 1000,
      sweep,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
