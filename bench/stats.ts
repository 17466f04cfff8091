/** Small statistics helpers: percentiles, rates and interpolation on measured curves. */

/** The p-th percentile (0..100) of `values` by nearest rank; NaN for none. Sorts a copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileSorted(sorted, p);
}

export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarise(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    p50Ms: percentileSorted(sorted, 50),
    p95Ms: percentileSorted(sorted, 95),
    p99Ms: percentileSorted(sorted, 99),
    maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** Points of a latency CDF (x = latency ms, y = fraction at or below), thinned to at most `points`. */
export function cdfPoints(latenciesMs: readonly number[], points = 200): { x: number; y: number }[] {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const out: { x: number; y: number }[] = [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  for (let i = 0; i < sorted.length; i += step) out.push({ x: sorted[i]!, y: (i + 1) / sorted.length });
  out.push({ x: sorted[sorted.length - 1]!, y: 1 });
  return out;
}

export interface RecallPoint {
  recall: number;
  qps: number;
}

/**
 * QPS of a measured recall-QPS curve at `recall`, interpolated linearly between the two points around it on the
 * curve's upper envelope (above the best measured QPS, the fastest point that reaches the recall wins). When the
 * curve never reaches that recall, its most accurate point stands in, flagged `conservative`: reaching a higher
 * recall would only cost it QPS, so a ratio against it understates the other side. Undefined for an empty curve.
 */
export function qpsAtRecall(curve: readonly RecallPoint[], recall: number): { qps: number; recall: number; conservative: boolean } | undefined {
  if (curve.length === 0) return undefined;
  const reaching = curve.filter((p) => p.recall >= recall - 1e-9);
  if (reaching.length === 0) {
    const top = curve.reduce((a, b) => (b.recall > a.recall || (b.recall === a.recall && b.qps > a.qps) ? b : a));
    return { qps: top.qps, recall: top.recall, conservative: true };
  }
  const best = Math.max(...reaching.map((p) => p.qps));
  // Between the fastest point that reaches the recall and a faster point below it, interpolate.
  const below = curve.filter((p) => p.recall < recall - 1e-9 && p.qps > best).sort((a, b) => b.recall - a.recall)[0];
  const upper = reaching.find((p) => p.qps === best)!;
  if (below === undefined || upper.recall === below.recall) return { qps: best, recall, conservative: false };
  const t = (recall - below.recall) / (upper.recall - below.recall);
  return { qps: below.qps + t * (upper.qps - below.qps), recall, conservative: false };
}

/** a / b, or undefined when either is missing or b is zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return a / b;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Mean recall@k of answers against the exact top-k (labels). */
export function meanRecall(answers: readonly (readonly number[])[], truth: readonly (readonly number[])[], k: number): number {
  let sum = 0;
  for (let q = 0; q < answers.length; q++) {
    const wanted = new Set(truth[q]!.slice(0, k));
    let hit = 0;
    for (const label of answers[q]!.slice(0, k)) if (wanted.has(label)) hit++;
    sum += hit / Math.min(k, wanted.size || k);
  }
  return answers.length === 0 ? Number.NaN : sum / answers.length;
}
