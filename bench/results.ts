/** The shape of bench/results/<timestamp>.json, and the issue's targets evaluated on it. */
import type { LanceResult } from './baselines/lancedb';
import type { StartTimings } from './db-process';
import type { BuildResult, SweepPoint } from './baselines/hnswlib';
import type { MachineInfo, MachineLoad, ProcessMemory } from './machine';
import type { IngestResult } from './scenarios/ingest';
import type { MemoryPoint } from './scenarios/memory';
import type { FreshnessResult, MixedResult } from './scenarios/mixed';
import type { RecoveryPoint } from './scenarios/recovery';
import type { SearchPoint } from './scenarios/search';
import { qpsAtRecall, ratio, type RecallPoint } from './stats';

export interface DatasetInfo {
  name: string;
  source: string;
  metric: string;
  dimension: number;
  count: number;
  queryCount: number;
}

export interface Comparison {
  ef: number;
  connections: number;
  recall: number;
  qps: number;
  hnswQps: number | undefined;
  vsHnsw: number | undefined;
  lance1Qps: number | undefined;
  vsLance1: number | undefined;
  lance16Qps: number | undefined;
  vsLance16: number | undefined;
  /** Baselines that never reached this recall: compared at their most accurate point (the ratio is a lower bound). */
  conservative: ('hnsw' | 'lance1' | 'lance16')[];
}

export interface DatasetRun {
  dataset: DatasetInfo;
  groundTruth: { k: number; cached: boolean; computeMs: number };
  /** `buildAfter`: the same build again right after the database's ingestion, to bracket it in time. */
  hnsw?: { build: BuildResult; buildAfter?: BuildResult; sweep: SweepPoint[]; exact: SweepPoint };
  lance?: LanceResult;
  db?: {
    partitions: number;
    ingest: IngestResult;
    memoryBefore: ProcessMemory | undefined;
    memoryAfter: ProcessMemory | undefined;
    search: SearchPoint[];
    comparisons: Comparison[];
  };
  errors: string[];
}

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  ratio: number | undefined;
  /** undefined: not measured (the reason is in `measured`). */
  pass: boolean | undefined;
}

export interface BenchResults {
  version: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  machine: MachineInfo;
  loadStart: MachineLoad;
  loadEnd: MachineLoad;
  loadSamples: MachineLoad[];
  generators: { search: string; ingest: string };
  params: { k: number; m: number; efConstruction: number; batchSize: number; ingestInFlight: number; searchDurationS: number };
  datasets: DatasetRun[];
  ingestOnePartition?: IngestResult;
  kafka?: IngestResult;
  idle?: { ef: number; points: SearchPoint[] };
  mixed?: MixedResult[];
  freshness?: FreshnessResult;
  recovery?: RecoveryPoint[];
  /** Start of the database on an empty data directory: the fixed part of every time to ready. */
  emptyStart?: StartTimings;
  memory?: MemoryPoint[];
  exportedMetrics?: { present: string[]; missing: string[] };
  targets: TargetRow[];
  skipped: string[];
  errors: string[];
}

/** The single-thread build rate the ingestion targets compare with: the mean of the builds bracketing the ingestion. */
export function baselineBuildRate(run: DatasetRun | undefined): number | undefined {
  if (run?.hnsw === undefined) return undefined;
  const rates = [run.hnsw.build.vectorsPerSecond, ...(run.hnsw.buildAfter === undefined ? [] : [run.hnsw.buildAfter.vectorsPerSecond])];
  return rates.reduce((a, b) => a + b, 0) / rates.length;
}

/** Every DB search point against the baselines' curves at the same recall. */
export function compare(search: readonly SearchPoint[], hnsw: readonly SweepPoint[] | undefined, lance: LanceResult | undefined): Comparison[] {
  const curve = (points: readonly SweepPoint[] | undefined): RecallPoint[] => (points ?? []).map((p) => ({ recall: p.recall, qps: p.qps }));
  const lance1 = curve(lance?.sweep.find((s) => s.inFlight === 1)?.points);
  const lance16 = curve(lance?.sweep.find((s) => s.inFlight === 16)?.points);
  return search
    .filter((p) => !p.exact)
    .map((p) => {
      const hnswAt = qpsAtRecall(curve(hnsw), p.recall);
      const lance1At = qpsAtRecall(lance1, p.recall);
      const lance16At = qpsAtRecall(lance16, p.recall);
      const conservative: Comparison['conservative'] = [];
      if (hnswAt?.conservative === true) conservative.push('hnsw');
      if (lance1At?.conservative === true) conservative.push('lance1');
      if (lance16At?.conservative === true) conservative.push('lance16');
      return {
        ef: p.ef,
        connections: p.connections,
        recall: p.recall,
        qps: p.qps,
        hnswQps: hnswAt?.qps,
        vsHnsw: ratio(p.qps, hnswAt?.qps),
        lance1Qps: lance1At?.qps,
        vsLance1: ratio(p.qps, lance1At?.qps),
        lance16Qps: lance16At?.qps,
        vsLance16: ratio(p.qps, lance16At?.qps),
        conservative,
      };
    });
}

/** The operating point of the search targets: the fastest point at `clients` with recall >= 0.95 (else the most accurate). */
export function operatingPoint<T extends { recall: number; qps: number; connections: number }>(points: readonly T[], clients: number, minRecall = 0.95): T | undefined {
  const at = points.filter((p) => p.connections === clients);
  const good = at.filter((p) => p.recall >= minRecall);
  if (good.length > 0) return good.reduce((a, b) => (b.qps > a.qps ? b : a));
  return at.reduce<T | undefined>((a, b) => (a === undefined || b.recall > a.recall ? b : a), undefined);
}

const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function evaluateTargets(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const primary = r.datasets[0];
  const hnswBuild = baselineBuildRate(primary);

  for (const run of r.datasets) {
    const op = run.db === undefined ? undefined : operatingPoint(run.db.comparisons, 16);
    rows.push({
      target: `Search, 16 HTTP clients vs in-process hnswlib (1 thread) at equal recall@10 — ${run.dataset.name}`,
      goal: '>= 1.0x',
      measured:
        op === undefined || op.hnswQps === undefined
          ? 'not measured'
          : `${n(op.qps)} vs ${n(op.hnswQps)} QPS at recall ${op.recall.toFixed(3)} (per-shard ef ${op.ef})${op.conservative.includes('hnsw') ? '; hnswlib never reached that recall: compared at its best (a lower bound)' : ''}`,
      ratio: op?.vsHnsw,
      pass: op?.vsHnsw === undefined ? undefined : op.vsHnsw >= 1.0,
    });
    const lanceBest = op === undefined ? undefined : [op.lance1Qps, op.lance16Qps].filter((v): v is number => v !== undefined).reduce<number | undefined>((a, b) => (a === undefined || b > a ? b : a), undefined);
    const lanceMax = run.lance?.sweep.flatMap((s) => s.points).reduce((a, b) => Math.max(a, b.recall), 0);
    const lanceShort = op !== undefined && (op.conservative.includes('lance1') || op.conservative.includes('lance16'));
    rows.push({
      target: `Search over HTTP vs LanceDB in-process (best of 1 and 16 in flight) at equal recall — ${run.dataset.name}`,
      goal: '>= 2.0x',
      measured:
        op === undefined || run.lance === undefined
          ? 'not measured'
          : lanceBest === undefined
            ? 'not measured'
            : `${n(op.qps)} vs ${n(lanceBest)} QPS at recall ${op.recall.toFixed(3)}${lanceShort ? `; LanceDB's best recall is ${lanceMax?.toFixed(3)}: compared there (a lower bound)` : ''}`,
      ratio: ratio(op?.qps, lanceBest),
      pass: lanceBest === undefined || op === undefined ? undefined : op.qps / lanceBest >= 2,
    });
    if (run.db !== undefined && run.lance !== undefined) {
      const v = ratio(run.db.ingest.vectorsPerSecond, run.lance.vectorsPerSecond);
      rows.push({
        target: `Vectors searchable per second vs LanceDB (write + HNSW build) — ${run.dataset.name}`,
        goal: '>= 1.0x',
        measured: `${n(run.db.ingest.vectorsPerSecond)} vs ${n(run.lance.vectorsPerSecond)} vectors/s`,
        ratio: v,
        pass: v === undefined ? undefined : v >= 1,
      });
    }
  }

  if (r.ingestOnePartition !== undefined) {
    const v = ratio(r.ingestOnePartition.vectorsPerSecond, hnswBuild);
    rows.push({
      target: 'Ingestion end to end (REST), 1 partition, vs hnswlib single-thread build',
      goal: '>= 0.8x',
      measured: `${n(r.ingestOnePartition.vectorsPerSecond)} vs ${n(hnswBuild ?? Number.NaN)} vectors/s`,
      ratio: v,
      pass: v === undefined ? undefined : v >= 0.8,
    });
  }
  if (primary?.db !== undefined) {
    const v = ratio(primary.db.ingest.vectorsPerSecond, hnswBuild);
    rows.push({
      target: `Ingestion end to end (REST), default partitions (${primary.db.partitions}), vs hnswlib single-thread build`,
      goal: '>= 1.5x',
      measured: `${n(primary.db.ingest.vectorsPerSecond)} vs ${n(hnswBuild ?? Number.NaN)} vectors/s`,
      ratio: v,
      pass: v === undefined ? undefined : v >= 1.5,
    });
  }
  if (r.kafka !== undefined) {
    const v = ratio(r.kafka.vectorsPerSecond, hnswBuild);
    rows.push({
      target: `Ingestion end to end (direct Kafka producer), ${r.kafka.partitions} partitions, vs hnswlib single-thread build`,
      goal: '>= 1.5x',
      measured: `${n(r.kafka.vectorsPerSecond)} vs ${n(hnswBuild ?? Number.NaN)} vectors/s`,
      ratio: v,
      pass: v === undefined ? undefined : v >= 1.5,
    });
  }
  if (r.freshness !== undefined) {
    const p99 = r.freshness.visibility.p99Ms;
    rows.push({
      target: `Freshness p99 (ack to visible in search) at ${n(r.freshness.achievedPerSecond)} vectors/s (half the max)`,
      goal: '<= 50 ms',
      measured: `p50 ${r.freshness.visibility.p50Ms.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms${r.freshness.missing > 0 ? `, ${r.freshness.missing} probes missed the vector (${r.freshness.missingExact} of them also by exact search)` : ''}${r.freshness.timeouts > 0 ? `, ${r.freshness.timeouts} read-your-writes waits timed out (504) first` : ''}`,
      ratio: p99 / 50,
      // A vector the approximate search misses is recall, not freshness; one an exact search misses is a failure.
      pass: p99 <= 50 && r.freshness.missingExact === 0,
    });
  }
  for (const m of r.mixed ?? []) {
    const idle = r.idle?.points.find((p) => p.connections === m.connections);
    // No search finished in the whole run: every one took longer than the run, a lower bound on p99.
    const p99 = m.requests === 0 ? m.durationS * 1000 : m.latencyMs.p99;
    const v = ratio(p99, idle?.latencyMs.p99);
    rows.push({
      target: `Search p99 during full-speed ingestion vs idle, ${m.connections} client${m.connections === 1 ? '' : 's'} (ef ${m.ef})`,
      goal: '<= 3.0x',
      measured: `${m.requests === 0 ? `no search finished in ${m.durationS.toFixed(1)} s: > ${p99.toFixed(0)}` : `${p99.toFixed(1)}`} vs ${idle?.latencyMs.p99.toFixed(1) ?? 'n/a'} ms (${n(m.requests)} searches; ${n(m.ingestPerSecond)} vectors/s acknowledged, ${n(m.appliedPerSecond)} applied)`,
      ratio: v,
      pass: v === undefined ? undefined : v <= 3,
    });
  }
  for (const p of (r.recovery ?? []).filter((p) => p.mode === 'snapshot')) {
    const per100k = (p.startToReadyMs / p.vectors) * 100_000;
    rows.push({
      target: `Restart from snapshot, ${n(p.vectors)} vectors (per 100,000)`,
      goal: '<= 2 s / 100k',
      measured: `${(p.startToReadyMs / 1000).toFixed(2)} s to ready = ${(per100k / 1000).toFixed(2)} s per 100k${r.emptyStart === undefined ? '' : ` (an empty start takes ${(r.emptyStart.startToReadyMs / 1000).toFixed(2)} s)`}`,
      ratio: per100k / 2000,
      pass: per100k <= 2000,
    });
  }
  for (const m of r.memory ?? []) {
    // Judged on what each further vector costs (after a warm-up, on both sides); the growth from empty, which adds
    // the fixed costs of heaps and allocator arenas, is shown beside it.
    const marginal = m.dbAnonMarginalPer100k !== undefined && m.hnswAnonMarginalPer100k !== undefined;
    const v = marginal ? ratio(m.dbAnonMarginalPer100k, m.hnswAnonMarginalPer100k) : ratio(m.dbAnonPer100k, m.hnswAnonPer100k);
    rows.push({
      target: `Anonymous memory growth per 100,000 vectors at ${m.dimension}-d vs a bare hnswlib index`,
      goal: '<= 1.5x',
      measured: marginal
        ? `${mib(m.dbAnonMarginalPer100k!)} vs ${mib(m.hnswAnonMarginalPer100k!)} MiB per 100k from ${n(m.warmVectors!)} to ${n(m.vectors)} vectors (from empty: ${mib(m.dbAnonPer100k)} vs ${mib(m.hnswAnonPer100k)}, ${ratio(m.dbAnonPer100k, m.hnswAnonPer100k)?.toFixed(2) ?? 'n/a'}x)`
        : `${mib(m.dbAnonPer100k)} vs ${mib(m.hnswAnonPer100k)} MiB per 100k`,
      ratio: v,
      pass: v === undefined ? undefined : v <= 1.5,
    });
  }
  return rows;
}

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
