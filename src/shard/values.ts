/**
 * The one check of a vector's stored values. A record carries float32 values (src/log/codec.ts), and the shard
 * applies a vector only when this finds nothing wrong with them (src/shard/shard.ts, else a dead letter). The
 * gateway runs the same check on the values rounded to float32 before it acknowledges a write
 * (src/gateway/gateway.ts), so whatever it acknowledges, the shard applies.
 */
import type { Metric } from '../log/records';

export type StoredValuesProblem = { kind: 'non-finite'; index: number } | { kind: 'zero' };

/** What is wrong with float32 `values` as stored under `metric`: a non-finite value, or no direction under cosine. */
export function storedValuesProblem(values: Float32Array, metric: Metric): StoredValuesProblem | undefined {
  let zero = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) return { kind: 'non-finite', index: i };
    if (v !== 0) zero = false;
  }
  return zero && metric === 'cosine' ? { kind: 'zero' } : undefined;
}
