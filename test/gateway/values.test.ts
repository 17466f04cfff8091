/**
 * The gateway's check of a vector's values judges what is stored: the values rounded to float32, as the record
 * carries them (src/log/codec.ts writes a Float32Array) and as the shard validates them on apply
 * (src/shard/shard.ts). Whatever it accepts, the shard applies; whatever the shard would dead-letter, it refuses.
 */
import { valuesProblem } from '../../src/gateway/gateway';
import type { DatabaseDefinition, Metric } from '../../src/log/records';
import { storedValuesProblem } from '../../src/shard/values';

const FLOAT32_MAX = 3.4028234663852886e38;
const definition = (metric: Metric, dimension = 4): DatabaseDefinition => ({
  name: 'db',
  dimension,
  metric,
  m: 16,
  efConstruction: 200,
  efSearch: 64,
  description: null,
  createdAtMs: 0,
});

describe('valuesProblem (gateway)', () => {
  it('refuses, under cosine, a vector that is zero once rounded to float32', () => {
    // 1e-46 is below half the smallest float32 subnormal (~1.4e-45): it rounds to 0.
    expect(Math.fround(1e-46)).toBe(0);
    expect(valuesProblem([1e-46, 0, 0, 0], definition('cosine'))).toMatch(/zero vector/);
    expect(valuesProblem([-1e-46, 1e-47, 0, 0], definition('cosine'))).toMatch(/zero vector/);
    // Under the other metrics a zero vector is a vector like any other.
    expect(valuesProblem([1e-46, 0, 0, 0], definition('euclidean'))).toBeUndefined();
    expect(valuesProblem([1e-46, 0, 0, 0], definition('dot'))).toBeUndefined();
  });

  it('accepts a subnormal float32 that survives rounding', () => {
    expect(Math.fround(1e-40)).not.toBe(0);
    expect(valuesProblem([1e-40, 0, 0, 0], definition('cosine'))).toBeUndefined();
    // The smallest float32 subnormal, 2^-149.
    expect(valuesProblem([2 ** -149, 0, 0, 0], definition('cosine'))).toBeUndefined();
  });

  it('refuses a value that overflows to Infinity in float32, and names its index', () => {
    expect(Math.fround(3.5e38)).toBe(Infinity);
    expect(valuesProblem([1, 3.5e38, 1, 1], definition('euclidean'))).toMatch(/index 1 is not a finite float32/);
    expect(valuesProblem([1, 1, 1, -3.5e38], definition('dot'))).toMatch(/index 3 is not a finite float32/);
    // Half an ulp above the largest float32 rounds to Infinity.
    expect(valuesProblem([3.4028235677973366e38, 1, 1, 1], definition('dot'))).toMatch(/index 0/);
  });

  it('accepts the largest float32, also as printed with float32 precision (3.4028235e38)', () => {
    expect(valuesProblem([FLOAT32_MAX, -FLOAT32_MAX, 1, 1], definition('cosine'))).toBeUndefined();
    // 3.4028235e38 is how float32 tools print FLOAT32_MAX; as a float64 it is a little above it, and rounds to it.
    expect(Math.fround(3.4028235e38)).toBe(FLOAT32_MAX);
    expect(valuesProblem([3.4028235e38, 1, 1, 1], definition('cosine'))).toBeUndefined();
  });

  it('refuses non-numbers, non-finite numbers and a wrong dimension', () => {
    expect(valuesProblem([1, Number.NaN, 1, 1], definition('dot'))).toMatch(/index 1/);
    expect(valuesProblem([1, 1, Infinity, 1], definition('dot'))).toMatch(/index 2/);
    expect(valuesProblem([1, 1, 1, '1' as unknown as number], definition('dot'))).toMatch(/index 3/);
    expect(valuesProblem([1, 1, 1], definition('dot'))).toMatch(/has 3 values but database db has dimension 4/);
  });

  it('agrees with the shard on every value it judges', () => {
    const samples = [0, 1e-46, -1e-46, 7e-46, 1e-45, 1e-40, 2 ** -149, 1.1754943508222875e-38, 1, -0.5, 1e38, FLOAT32_MAX, 3.4028235e38, 3.4028235677973366e38, 3.5e38, -3.5e38, 1e300];
    for (const metric of ['cosine', 'euclidean', 'dot'] as const) {
      for (const a of samples) {
        for (const b of [0, 1e-46, 1e-40]) {
          const values = [a, b];
          const gateway = valuesProblem(values, definition(metric, 2));
          const stored = Float32Array.from(values);
          // What the gateway accepts, the shard applies; what it refuses, the shard would dead-letter.
          expect({ values, metric, accepted: gateway === undefined }).toEqual({ values, metric, accepted: storedValuesProblem(stored, metric) === undefined });
        }
      }
    }
  });
});

describe('storedValuesProblem (shard)', () => {
  it('names the first value that is not finite, or a zero vector under cosine', () => {
    expect(storedValuesProblem(Float32Array.of(1, Infinity, Number.NaN), 'dot')).toEqual({ kind: 'non-finite', index: 1 });
    expect(storedValuesProblem(Float32Array.of(0, -0), 'cosine')).toEqual({ kind: 'zero' });
    expect(storedValuesProblem(Float32Array.of(0, -0), 'euclidean')).toBeUndefined();
    expect(storedValuesProblem(Float32Array.of(1e-45, 0), 'cosine')).toBeUndefined();
  });
});
