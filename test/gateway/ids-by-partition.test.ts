/**
 * A batch-get groups its ids by partition before asking the shards: once per distinct id, in linear time (it was
 * quadratic, copying each partition's list per id: 100,000 ids held the event loop for seconds).
 */
import { idsByPartition } from '../../src/gateway/gateway';
import { partitionForKey } from '../../src/log/murmur2';
import { vectorKey } from '../../src/log/records';

describe('idsByPartition', () => {
  it('puts each distinct id once, in the partition of its key, in the order given', () => {
    const ids = ['a', 'b', 'c', 'a', 'd', 'b'];
    const groups = idsByPartition('docs', ids, 3);
    expect([...groups.values()].flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const [p, group] of groups) for (const id of group) expect(partitionForKey(vectorKey('docs', id), 3)).toBe(p);
  });

  it('grows linearly: ten times the ids take far less than a hundred times as long', () => {
    const time = (n: number): number => {
      const ids = Array.from({ length: n }, (_, i) => `id-${i}`);
      let best = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 3; round++) {
        const started = performance.now();
        idsByPartition('docs', ids, 2);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    time(5_000); // warm-up
    const ratio = time(100_000) / time(10_000);
    // Linear is about 10x; the old quadratic grouping was about 100x.
    expect(ratio).toBeLessThan(35);
  });
});
